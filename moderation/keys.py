"""Every Redis key the service uses, and the Lua scripts that touch several at once.

Keys live under one namespace so a shared Redis can be inspected, backed up or flushed per
service. Each template is a named constant; a test pins every string, because renaming a key
silently orphans the data already stored under the old name.
"""

from __future__ import annotations

from string import Template

import redis

NAMESPACE = "mod"

# Comment hash: fields of one comment (text, ids, status, scores, decision...).
COMMENT = NAMESPACE + ":comment:{id}"
# Per-comment audit trail (stream): every status change of that comment.
COMMENT_HISTORY = NAMESPACE + ":comment:{id}:history"
# Global counter giving each comment a unique, increasing sequence number (pagination order).
COMMENT_SEQ = NAMESPACE + ":seq:comment"
# Idempotency: (client, external_id) -> comment id.
EXTERNAL_ID = NAMESPACE + ":client:{client}:external:{external_id}"
# Comments of one article in one status, scored by sequence number (newest = highest).
ARTICLE_STATUS = NAMESPACE + ":article:{article_id}:{status}"
# Comments waiting for a decision, scored by the time they were (re-)queued: the sweep's input.
PENDING = NAMESPACE + ":pending"
# Moderation queues (sorted sets); the score is the item's priority, highest first.
QUEUE = NAMESPACE + ":queue:{name}"
# Global audit stream: every state change of every comment.
AUDIT = NAMESPACE + ":audit"

# API clients: name -> JSON record (scopes, token hash, timestamps).
CLIENTS = NAMESPACE + ":clients"
# Token hash -> client name; the lookup made on every authenticated request.
TOKEN = NAMESPACE + ":token:{digest}"

# Author record (hash): counts of published / rejected / reported comments, sanctions.
AUTHOR = NAMESPACE + ":author:{author_id}"
# Events for one API client (stream): status changes of its comments, report outcomes.
EVENTS = NAMESPACE + ":events:{client}"

# Term lists forcing review or rejection (sets of normalised terms).
TERMS = NAMESPACE + ":terms:{kind}"

# How long an (client, external_id) pair stays bound to its comment. Sites retry within
# minutes; a month covers any replay while keeping the keyspace from growing forever.
EXTERNAL_ID_TTL_SECONDS = 30 * 24 * 3600

# Each client's event stream keeps about this many events; a site reading GET /v1/events
# (or receiving webhooks) is expected to stay well within it.
EVENTS_MAXLEN = 1_000_000

STATUSES = ("pending", "published", "review", "hidden", "rejected")
TERM_KINDS = ("banned", "suspect")


def comment(comment_id: str) -> str:
    return COMMENT.format(id=comment_id)


def comment_history(comment_id: str) -> str:
    return COMMENT_HISTORY.format(id=comment_id)


def external_id(client: str, external: str) -> str:
    return EXTERNAL_ID.format(client=client, external_id=external)


def article_status(article_id: str, status: str) -> str:
    return ARTICLE_STATUS.format(article_id=article_id, status=status)


def queue(name: str) -> str:
    return QUEUE.format(name=name)


def token(digest: str) -> str:
    return TOKEN.format(digest=digest)


def author(author_id: str) -> str:
    return AUTHOR.format(author_id=author_id)


def events(client: str) -> str:
    return EVENTS.format(client=client)


def terms(kind: str) -> str:
    return TERMS.format(kind=kind)


def _lua(source: str) -> str:
    return Template(source).substitute(ns=NAMESPACE, events_maxlen=EVENTS_MAXLEN)


# Store a new comment unless (client, external_id) already names one, and hand its scoring
# task to the broker in the same atomic step when the broker is this Redis.
# KEYS: comment hash, external-id key ("" when none), sequence counter, pending zset,
#       article pending index, comment history, audit stream, broker list ("" when none)
# ARGV: id, now (float seconds), external-id ttl, broker message, then the comment's other
#       field/value pairs (kept few: every argument is packed on the API's hot path)
# Returns {id, created (0/1), current status}
CREATE_COMMENT = _lua("""
if KEYS[2] ~= '' then
  local existing = redis.call('GET', KEYS[2])
  if existing then
    local status = redis.call('HGET', '$ns:comment:' .. existing, 'status')
    return {existing, 0, status or 'pending'}
  end
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'status', 'pending', 'created_at', ARGV[2],
           'updated_at', ARGV[2], 'seq', seq, 'version', 1, unpack(ARGV, 5))
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], seq, ARGV[1])
local event = {'comment_id', ARGV[1], 'actor', 'api', 'from', '', 'to', 'pending',
               'reason', 'submitted', 'at', ARGV[2]}
redis.call('XADD', KEYS[6], '*', unpack(event))
redis.call('XADD', KEYS[7], '*', unpack(event))
if KEYS[8] ~= '' then redis.call('LPUSH', KEYS[8], ARGV[4]) end
return {ARGV[1], 1, 'pending'}
""")

# Move a comment to another status, once. Running it again, or after someone else moved the
# comment, changes nothing: that is what makes the scoring task safe to re-run, and what lets
# a moderator's decision on a stale version be refused instead of overwriting a colleague's.
# Every applied move also updates the article and queue indexes and the author's counts, and
# appends to the comment's history, the global audit stream and the submitting client's
# event stream (what webhooks deliver and GET /v1/events reads).
# KEYS: comment hash, pending zset, comment history, audit stream
# ARGV: id, expected status ("" = any), new status, actor, reason, now, queue name ("" =
#       none), queue priority, expected version ("" = any), then field/value pairs to set
# Returns {applied (1), or 0 = not in the expected status / unknown, -1 = stale version;
#          status after the call; version after the call}
TRANSITION = _lua("""
local f = redis.call('HMGET', KEYS[1], 'status', 'article_id', 'seq', 'version', 'client',
                     'author_id', 'external_id')
local current, article, seq, version = f[1], f[2], f[3], f[4]
if not current then return {0, '', 0} end
if ARGV[2] ~= '' and current ~= ARGV[2] then return {0, current, tonumber(version)} end
if ARGV[9] ~= '' and version ~= ARGV[9] then return {-1, current, tonumber(version)} end
if #ARGV > 9 then redis.call('HSET', KEYS[1], unpack(ARGV, 10)) end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'updated_at', ARGV[6])
local new_version = redis.call('HINCRBY', KEYS[1], 'version', 1)
local prefix = '$ns:article:' .. article .. ':'
redis.call('ZREM', prefix .. current, ARGV[1])
redis.call('ZADD', prefix .. ARGV[3], seq, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for _, q in ipairs({'review', 'reported', 'rejected', 'published'}) do
  redis.call('ZREM', '$ns:queue:' .. q, ARGV[1])
end
if ARGV[7] ~= '' then redis.call('ZADD', '$ns:queue:' .. ARGV[7], ARGV[8], ARGV[1]) end
local author = '$ns:author:' .. (f[6] or '')
if current ~= ARGV[3] then
  if current == 'published' or current == 'rejected' then redis.call('HINCRBY', author, current, -1) end
  if ARGV[3] == 'published' or ARGV[3] == 'rejected' then redis.call('HINCRBY', author, ARGV[3], 1) end
end
local event = {'comment_id', ARGV[1], 'actor', ARGV[4], 'from', current, 'to', ARGV[3],
               'reason', ARGV[5], 'at', ARGV[6]}
redis.call('XADD', KEYS[3], '*', unpack(event))
redis.call('XADD', KEYS[4], '*', unpack(event))
redis.call('XADD', '$ns:events:' .. (f[5] or ''), 'MAXLEN', '~', $events_maxlen, '*',
           'type', 'comment.status', 'external_id', f[7] or '', 'article_id', article,
           'author_id', f[6] or '', 'version', new_version, unpack(event))
return {1, ARGV[3], new_version}
""")

# Claim pending comments for one scoring batch: the task's own comment plus up to n others
# whose turn has come. A claimed comment's "not before" time moves `lease` seconds ahead so
# concurrent workers pick different ones; if the claimer dies, the lease runs out and the
# comment becomes claimable (and, later, sweepable) again.
# KEYS: pending zset.  ARGV: own id, now, lease, n.  Returns the ids, own id first when pending.
CLAIM_PENDING = _lua("""
local until_ = tonumber(ARGV[2]) + tonumber(ARGV[3])
local ids = {}
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], until_, ARGV[1])
  ids[1] = ARGV[1]
end
local others = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(others) do
  redis.call('ZADD', KEYS[1], until_, id)
  ids[#ids + 1] = id
end
return ids
""")

_registered: dict[str, redis.commands.core.Script] = {}


def run_script(r: redis.Redis, source: str, keys_: list[str], args: list) -> list:
    """EVALSHA one of the scripts above, loading it on first use (and again after a restart)."""
    script = _registered.get(source)
    if script is None:
        script = _registered[source] = r.register_script(source)
    return script(keys=keys_, args=args, client=r)
