"""Saving and loading the fitted pipeline with skops, beside its JSON metadata."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import sklearn
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException
from sklearn.pipeline import Pipeline

from models.data import sha256

# Our own classes that may appear in an artifact; everything else must come
# from the numerical libraries.
OWN_TYPES = frozenset({
    "models.features.Length", "models.features.Normalizer", "models.features.SpamFeatures",
    "models.features.WordVectors",
    "models.heads.LabelHeads",
})
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")


class ArtifactError(Exception):
    """The artifact is missing, malformed or contains types we do not trust."""


class ModelVersionError(ArtifactError):
    """The artifact was made with another scikit-learn version than the installed one."""


def metadata_path(path: str | os.PathLike) -> Path:
    return Path(path).with_suffix(".json")


def model_version(created_at: str, digest: str) -> str:
    """``fr-YYYY.MM.DD-<first 8 hex of the artifact's sha256>``."""
    return f"fr-{created_at[:10].replace('-', '.')}-{digest[:8]}"


def save(pipeline: Pipeline, metadata: dict, path: str | os.PathLike) -> dict:
    """Write ``path`` (skops) and its ``.json`` metadata; return the metadata as written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The vocabularies serialise to a verbose JSON schema that deflates ~25x.
    sio.dump(pipeline, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    digest = sha256(path)
    # Recorded once here so that loading parses the artifact once, not twice.
    types = sorted(sio.get_untrusted_types(file=path))
    metadata = {
        **metadata, "artifact_sha256": digest, "version": model_version(metadata["created_at"], digest),
        "artifact_types": types,
    }
    metadata_path(path).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return metadata


def read_metadata(path: str | os.PathLike) -> dict:
    try:
        return json.loads(metadata_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ArtifactError(f"cannot read metadata {metadata_path(path)}: {error}") from error


def load(path: str | os.PathLike) -> tuple[Pipeline, dict, str]:
    """Load a pipeline after checking its scikit-learn version and every type it holds.

    The types the artifact holds are listed in its metadata at save time; that
    list is checked against the allow-list and handed to skops as the only
    trusted types, so skops refuses the file if it holds anything else, and the
    artifact is parsed once.  Returns the pipeline, the metadata and the
    version string computed from the artifact's own bytes.
    """
    metadata = read_metadata(path)
    recorded = metadata.get("versions", {}).get("sklearn")
    if recorded != sklearn.__version__:
        raise ModelVersionError(
            f"{path} was made with scikit-learn {recorded}, installed is {sklearn.__version__}: retrain it"
        )
    types = metadata.get("artifact_types")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ArtifactError(f"{metadata_path(path)} does not list the artifact's types: retrain it")
    refused = [t for t in types if t not in OWN_TYPES and not t.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise ArtifactError(f"{path} holds types outside the allow-list: {', '.join(sorted(refused))}")
    try:
        pipeline = sio.load(path, trusted=types)
    except UntrustedTypesFoundException as error:
        raise ArtifactError(f"{path} holds types its metadata does not list: {error}") from error
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ArtifactError(f"cannot read {path}: {error}") from error
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"{path} does not hold a scikit-learn Pipeline")
    return pipeline, metadata, model_version(metadata["created_at"], sha256(path))
