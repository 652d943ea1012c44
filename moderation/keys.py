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

# How many of an author's latest comments their record keeps (GET /v1/authors/{id}).
AUTHOR_RECENT_COMMENTS = 50

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
    return Template(source).substitute(ns=NAMESPACE, events_maxlen=EVENTS_MAXLEN,
                                       author_recent=AUTHOR_RECENT_COMMENTS)


# Store a new comment unless (client, external_id) already names one, and hand its scoring
# task to the broker in the same atomic step when the broker is this Redis.
# The author's record is read in the same step: a banned author, or one suspended until
# later, is refused (nothing stored); one under pre-moderation gets `premoderated` on the
# comment, and one with rejected comments an `author_risk`, both read back with the text
# by the scoring step, so deciding needs no extra round trip.
# KEYS: comment hash, external-id key ("" when none), sequence counter, pending zset,
#       article pending index, comment history, audit stream, broker list ("" when none),
#       author hash, author's recent comments
# ARGV: id, now (float seconds), external-id ttl, broker message, then the comment's other
#       field/value pairs (kept few: every argument is packed on the API's hot path)
# Returns {id, created (0/1), current status}, or {'', -1, 'banned'} / {'', -2, until}
# when the author may not post.
CREATE_COMMENT = _lua("""
if KEYS[2] ~= '' then
  local existing = redis.call('GET', KEYS[2])
  if existing then
    local status = redis.call('HGET', '$ns:comment:' .. existing, 'status')
    return {existing, 0, status or 'pending'}
  end
end
local a = redis.call('HMGET', KEYS[9], 'state', 'until', 'published', 'rejected')
if a[1] == 'banned' then return {'', -1, 'banned'} end
if a[1] == 'suspended' and tonumber(a[2] or '0') > tonumber(ARGV[2]) then return {'', -2, a[2]} end
if KEYS[2] ~= '' then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3]) end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'status', 'pending', 'created_at', ARGV[2],
           'updated_at', ARGV[2], 'seq', seq, 'version', 1, unpack(ARGV, 5))
if a[1] == 'premoderated' then redis.call('HSET', KEYS[1], 'premoderated', '1') end
local rejected = tonumber(a[4] or '0')
if rejected > 0 then
  -- share of the author's decided comments that were rejected, pulled towards 0 for few
  redis.call('HSET', KEYS[1], 'author_risk', rejected / (rejected + tonumber(a[3] or '0') + 2))
end
redis.call('ZADD', KEYS[10], seq, ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[10], 0, -$author_recent - 1)
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

# ---------------------------------------------------------------------------------------
# Webhooks: pushing each client's event stream (EVENTS above) to its HTTPS endpoint.
# ---------------------------------------------------------------------------------------

# One client's webhook (hash): url, secret, generation (bumped by every registration),
# created_at, updated_at, and the delivery state: cursor (id of the last event the endpoint
# acknowledged with a 2xx), last_success_at, last_error, last_error_at,
# consecutive_failures, next_attempt_at.
WEBHOOK = NAMESPACE + ":webhook:{client}"
# Held by the one process delivering a client's events, so they go out in order.
WEBHOOK_LOCK = NAMESPACE + ":webhook:{client}:lock"
# Names of the clients that have a webhook: what the periodic dispatcher walks.
WEBHOOKS = NAMESPACE + ":webhooks"


def webhook(client: str) -> str:
    return WEBHOOK.format(client=client)


def webhook_lock(client: str) -> str:
    return WEBHOOK_LOCK.format(client=client)


# Register (or re-register) a client's webhook. A new webhook starts at the end of the
# client's event stream: older events are read with GET /v1/events, not replayed to a URL
# that never asked for them. Re-registering keeps the cursor, so changing the URL or
# rotating the secret loses nothing, and clears the retry wait so the new URL is tried now.
# KEYS: webhook hash, event stream, webhooks set.  ARGV: client, url, secret, now.
# Returns 1 when the webhook is new, 0 when it replaced one.
WEBHOOK_SET = _lua("""
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local cursor = '0-0'
if #last > 0 then cursor = last[1][1] end
local created = redis.call('HSETNX', KEYS[1], 'cursor', cursor)
if created == 1 then redis.call('HSET', KEYS[1], 'created_at', ARGV[4]) end
redis.call('HSET', KEYS[1], 'url', ARGV[2], 'secret', ARGV[3], 'updated_at', ARGV[4],
           'consecutive_failures', 0, 'next_attempt_at', 0)
redis.call('HINCRBY', KEYS[1], 'generation', 1)
redis.call('SADD', KEYS[3], ARGV[1])
return created
""")

# Record a delivery outcome (cursor, status fields) for the deliverer holding the lock, and
# extend the lock. Refused when the lock was lost (another deliverer may be ahead: moving
# the cursor back would resend, moving it on could skip) or when the webhook was removed or
# re-registered since the delivery started (its URL or secret are no longer those used).
# KEYS: lock, webhook hash.  ARGV: lock token, lock ttl (ms), generation, field/value pairs.
# Returns 1 when recorded, 0 when refused.
WEBHOOK_RECORD = _lua("""
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'generation') ~= ARGV[3] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if #ARGV > 3 then redis.call('HSET', KEYS[2], unpack(ARGV, 4)) end
return 1
""")

# Release a lock only if it is still ours (it may have expired and been taken by another).
# KEYS: lock.  ARGV: token.
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_registered: dict[str, redis.commands.core.Script] = {}


def run_script(r: redis.Redis, source: str, keys_: list[str], args: list) -> list:
    """EVALSHA one of the scripts above, loading it on first use (and again after a restart)."""
    script = _registered.get(source)
    if script is None:
        script = _registered[source] = r.register_script(source)
    return script(keys=keys_, args=args, client=r)


# ---------------------------------------------------------------------------------------
# Reports, moderator decisions and author sanctions (moderation/reports/, decisions/,
# queues/, authors/).
# ---------------------------------------------------------------------------------------

# Reports on one comment (hash): reporter id -> JSON {reason, note, weight, proven, at,
# state: open | upheld | dismissed, resolved_by, resolved_at}. One field per member is
# what makes a repeated report a no-op.
COMMENT_REPORTS = NAMESPACE + ":comment:{id}:reports"
# A reporter's record (hash): reports (made), upheld, dismissed.
REPORTER = NAMESPACE + ":reporter:{reporter_id}"
# Times of a reporter's recent reports (sorted set, score = time): the rate limit's window.
REPORTER_RECENT = NAMESPACE + ":reporter:{reporter_id}:recent"
# SHA-1 of the folded text of every comment a moderator approved: reports of the same
# text do not queue it again.
BENIGN_TEXTS = NAMESPACE + ":benign"
# An author's latest comments (sorted set, score = sequence number), kept to
# AUTHOR_RECENT_COMMENTS, for GET /v1/authors/{id}.
AUTHOR_COMMENTS = NAMESPACE + ":author:{author_id}:comments"
# An author's audit trail (stream): every moderator action on the author.
AUTHOR_HISTORY = NAMESPACE + ":author:{author_id}:history"

# Author states, in the author hash's `state` field (absent = active).
AUTHOR_STATES = ("active", "premoderated", "suspended", "banned")
# The longest window of the report rate limit: older report times are dropped.
REPORT_WINDOW_MAX_SECONDS = 24 * 3600


def comment_reports(comment_id: str) -> str:
    return COMMENT_REPORTS.format(id=comment_id)


def reporter(reporter_id: str) -> str:
    return REPORTER.format(reporter_id=reporter_id)


def reporter_recent(reporter_id: str) -> str:
    return REPORTER_RECENT.format(reporter_id=reporter_id)


def author_comments(author_id: str) -> str:
    return AUTHOR_COMMENTS.format(author_id=author_id)


def author_history(author_id: str) -> str:
    return AUTHOR_HISTORY.format(author_id=author_id)


# Record one member's report on a comment, rate-limited per reporter, and move the comment
# up its queue. Proven reporters' weights add up freely; the others' together count for at
# most `unproven cap` (below the hiding threshold), so a brigade of new accounts cannot hide
# a comment alone. Hiding itself is a TRANSITION the caller runs when told to.
# KEYS: comment hash, comment reports, reporter hash, reporter recent, benign set, comment
#       history, audit stream
# ARGV: comment id, reporter id, reason, note, weight, proven (0/1), now, text sha1,
#       hide threshold, unproven cap, priority without reports, reports priority weight,
#       then limit pairs (count, window seconds)...
# Returns {code, comment status, effective report score, priority, retry after}; code:
#   'not_found', 'self', 'duplicate', 'rate_limited', 'recorded', 'queued', 'hide', 'benign',
#   'retry_hide' (a repeat finding the comment still up past the threshold: hide it now)
REPORT = _lua("""
local c = redis.call('HMGET', KEYS[1], 'status', 'author_id', 'report_proven', 'report_unproven')
local status = c[1]
if not status then return {'not_found', '', '0', '0', '0'} end
if c[2] == ARGV[2] then return {'self', status, '0', '0', '0'} end
local threshold = tonumber(ARGV[9])
local function effective(proven, unproven) return proven + math.min(unproven, tonumber(ARGV[10])) end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  -- A repeat records nothing, but if the comment is still up past the threshold, the
  -- first attempt died before hiding it (the site retries on errors): finish that.
  local score = effective(tonumber(c[3] or '0'), tonumber(c[4] or '0'))
  if status == 'published' and score >= threshold and redis.call('SISMEMBER', KEYS[5], ARGV[8]) == 0 then
    local priority = redis.call('ZSCORE', '$ns:queue:reported', ARGV[1])
    if priority then return {'retry_hide', status, tostring(score), priority, '0'} end
  end
  return {'duplicate', status, '0', '0', '0'}
end
local now = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - $report_window_max)
for i = 13, #ARGV, 2 do
  local limit, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local inside = redis.call('ZRANGEBYSCORE', KEYS[4], now - window, '+inf', 'WITHSCORES')
  if #inside / 2 >= limit then
    -- the window frees a slot when its oldest report inside leaves it
    local oldest = tonumber(inside[(#inside / 2 - limit) * 2 + 2])
    return {'rate_limited', status, '0', '0', tostring(math.max(1, math.ceil(oldest + window - now)))}
  end
end
redis.call('ZADD', KEYS[4], now, ARGV[2] .. ':' .. ARGV[1])
redis.call('EXPIRE', KEYS[4], $report_window_max)
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode({reason = ARGV[3], note = ARGV[4],
  weight = tonumber(ARGV[5]), proven = ARGV[6] == '1', at = now, state = 'open'}))
redis.call('HINCRBY', KEYS[3], 'reports', 1)
if redis.call('HINCRBY', KEYS[1], 'report_count', 1) == 1 then
  redis.call('HINCRBY', '$ns:author:' .. (c[2] or ''), 'reported', 1)
end
local proven, unproven = tonumber(c[3] or '0'), tonumber(c[4] or '0')
if ARGV[6] == '1' then
  proven = proven + tonumber(ARGV[5])
  redis.call('HSET', KEYS[1], 'report_proven', tostring(proven))
else
  unproven = unproven + tonumber(ARGV[5])
  redis.call('HSET', KEYS[1], 'report_unproven', tostring(unproven))
end
local score = effective(proven, unproven)
local priority = tonumber(ARGV[11]) + tonumber(ARGV[12]) * math.min(score / threshold, 2)
local event = {'comment_id', ARGV[1], 'actor', 'reporter:' .. ARGV[2], 'from', status,
               'to', status, 'reason', 'report: ' .. ARGV[3], 'at', ARGV[7],
               'event', 'report', 'reporter_id', ARGV[2]}
redis.call('XADD', KEYS[6], '*', unpack(event))
redis.call('XADD', KEYS[7], '*', unpack(event))
local code = 'recorded'
if status == 'published' then
  if redis.call('SISMEMBER', KEYS[5], ARGV[8]) == 1 then
    code = 'benign'
  else
    -- Queued before any hiding, so that if the caller dies before its TRANSITION the
    -- comment still waits in front of moderators instead of staying up unseen.
    redis.call('ZADD', '$ns:queue:reported', priority, ARGV[1])
    code = score >= threshold and 'hide' or 'queued'
  end
elseif status == 'hidden' then
  redis.call('ZADD', '$ns:queue:reported', 'XX', priority, ARGV[1])
elseif status == 'review' then
  redis.call('ZADD', '$ns:queue:review', 'XX', priority, ARGV[1])
end
return {code, status, tostring(score), tostring(priority), '0'}
""".replace("$report_window_max", str(REPORT_WINDOW_MAX_SECONDS)))

# Resolve a comment's open reports as a moderator decides it: each report becomes upheld or
# dismissed, its reporter's record moves, the submitting client gets a `report.resolved`
# event naming the reporter, and the comment's history a line. Run in one MULTI with the
# TRANSITION of the decision and with the same expected version: both apply or neither.
# KEYS: comment hash, comment reports, benign set, comment history, audit stream
# ARGV: comment id, expected version, outcome (upheld | dismissed), moderator, now,
#       benign text sha1 ("" = none), reason code
# Returns the number of reports resolved, or -1 (stale version), or -2 (no such comment).
RESOLVE_REPORTS = _lua("""
local c = redis.call('HMGET', KEYS[1], 'status', 'version', 'client', 'external_id', 'article_id', 'author_id')
if not c[1] then return -2 end
if c[2] ~= ARGV[2] then return -1 end
if ARGV[6] ~= '' then redis.call('SADD', KEYS[3], ARGV[6]) end
local open = {}
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local report = cjson.decode(all[i + 1])
  if report.state == 'open' then open[#open + 1] = {all[i], report} end
end
-- in the order they were made, so the history and the events read naturally
table.sort(open, function(x, y)
  if x[2].at == y[2].at then return x[1] < y[1] end
  return x[2].at < y[2].at
end)
local resolved = 0
for _, item in ipairs(open) do
  local reporter, report = item[1], item[2]
  do
    report.state = ARGV[3]
    report.resolved_by = ARGV[4]
    report.resolved_at = tonumber(ARGV[5])
    redis.call('HSET', KEYS[2], reporter, cjson.encode(report))
    redis.call('HINCRBY', '$ns:reporter:' .. reporter, ARGV[3], 1)
    local line = {'comment_id', ARGV[1], 'actor', ARGV[4], 'from', c[1], 'to', c[1],
                  'reason', 'report by ' .. reporter .. ' ' .. ARGV[3], 'at', ARGV[5],
                  'event', 'report.resolved', 'reporter_id', reporter}
    redis.call('XADD', KEYS[4], '*', unpack(line))
    redis.call('XADD', KEYS[5], '*', unpack(line))
    redis.call('XADD', '$ns:events:' .. (c[3] or ''), 'MAXLEN', '~', $events_maxlen, '*',
               'type', 'report.resolved', 'comment_id', ARGV[1], 'external_id', c[4] or '',
               'article_id', c[5] or '', 'author_id', c[6] or '', 'reporter_id', reporter,
               'reason', report.reason, 'outcome', ARGV[3], 'reason_code', ARGV[7],
               'moderator', ARGV[4], 'at', ARGV[5])
    resolved = resolved + 1
  end
end
-- the score counts open reports only: after a decision, new reports start from zero
redis.call('HDEL', KEYS[1], 'report_proven', 'report_unproven')
return resolved
""")

# A moderator's action on an author, with its audit entry.
# KEYS: author hash, author history.  ARGV: state, until ("" = none), moderator, note, now,
# action.  Returns the previous state.
AUTHOR_ACTION = _lua("""
local previous = redis.call('HGET', KEYS[1], 'state') or 'active'
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'until', ARGV[2], 'updated_at', ARGV[5],
           'updated_by', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'action', ARGV[6], 'from', previous, 'to', ARGV[1],
           'until', ARGV[2], 'moderator', ARGV[3], 'note', ARGV[4], 'at', ARGV[5])
return previous
""")


# ---------------------------------------------------------------------------------------
# Dashboard (moderation/dashboard/): moderator accounts, sign-in lockout, presence, and the
# decision thresholds admins set from the UI (read by workers through decision.current_policy).
# ---------------------------------------------------------------------------------------

# Moderator accounts (hash): e-mail -> JSON {email, role, password_hash, created_at}.
MODERATORS = NAMESPACE + ":moderators"
# Failed sign-ins of one account (counter); expires LOGIN_LOCKOUT_SECONDS after the first
# failure, so LOGIN_MAX_FAILURES within that window lock the account until it expires.
LOGIN_FAILURES = NAMESPACE + ":login:{email}:failures"
# Who has a comment open in the dashboard (sorted set): moderator e-mail -> expiry time.
# The key itself expires too, so comments nobody looks at leave nothing behind.
PRESENCE = NAMESPACE + ":presence:{id}"
# Threshold overrides set by admins (hash): publish_below, reject_above. A missing field
# falls back to the config, then to the model's own thresholds.
THRESHOLDS = NAMESPACE + ":settings:thresholds"

LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60
# A moderator's page refreshes its presence every poll (2.5 s); a closed tab stops counting
# after this long.
PRESENCE_TTL_SECONDS = 10


def login_failures(email: str) -> str:
    return LOGIN_FAILURES.format(email=email)


def presence(comment_id: str) -> str:
    return PRESENCE.format(id=comment_id)


# ---------------------------------------------------------------------------------------
# Perspective-compatible API (moderation/perspective/): per-key quotas and the suggested
# scores (labels) that feed the learning loop. comments:analyze stores nothing else, ever:
# no text, no digest of it, whatever `doNotStore` says.
# ---------------------------------------------------------------------------------------

# Token bucket of one API client on the Perspective endpoints (hash: tokens, at). It
# expires once full again, so idle clients leave nothing behind.
PERSPECTIVE_QUOTA = NAMESPACE + ":perspective:quota:{client}"
# Suggested scores (stream), one entry per (comment, attribute): client, text, text_sha256,
# attribute, value, label (ours, when the attribute maps to one), comment_status (Coral's
# APPROVED / DELETED), community_id, client_token, languages, context, model_version, at.
# Never trimmed: these are moderators' decisions, the learning loop's training labels.
LABELS = NAMESPACE + ":labels"
# Digest of (client, text sha256, attribute, value) -> the id of its entry in LABELS: a
# suggestion already recorded is not recorded again. A moderator's decision (APPROVED /
# DELETED) is keyed by (client, text sha256) alone and maps to the last decision recorded,
# so a decision changed back (APPROVED, DELETED, APPROVED) is recorded each time it changes.
LABELS_SEEN = NAMESPACE + ":labels:seen"


def perspective_quota(client: str) -> str:
    return PERSPECTIVE_QUOTA.format(client=client)


# Take one token from a client's bucket (KEYS[1]); ARGV[1] = rate (tokens per second, also
# the bucket's size), ARGV[2] = now. The caller's clock, not Redis's TIME, as elsewhere in
# this module; a clock behind the last refill gets no refill rather than a negative one.
# Ends the script with {0, seconds until a token} when the bucket is empty.
_TAKE_TOKEN = """
local rate, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local size = math.max(1, rate)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(bucket[1]), tonumber(bucket[2])
if not tokens then tokens, at = size, now end
if now > at then tokens = math.min(size, tokens + (now - at) * rate) else now = at end
if tokens < 1 then return {0, tostring((1 - tokens) / rate)} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(size / rate * 1000) + 1000)
"""

# The quota of one comments:analyze call: its only Redis round trip.
# KEYS: bucket.  ARGV: rate, now.  Returns {1, '0'} or {0, seconds to wait}.
PERSPECTIVE_TAKE = _TAKE_TOKEN + "return {1, '0'}\n"

# The quota of one comments:suggestscore call and its labels, in one round trip. A score is
# recorded unless its digest is already in LABELS_SEEN; a decision (comment_status set)
# unless it is the one LABELS_SEEN holds for its digest.
# KEYS: bucket, LABELS, LABELS_SEEN.
# ARGV: rate, now, n (count of shared field/value pairs), the n pairs (text, client, …),
#       then per label: digest, attribute, value, label, comment_status.
# Returns {1, labels recorded} or {0, seconds to wait}.
PERSPECTIVE_SUGGEST = _TAKE_TOKEN + """
local n = tonumber(ARGV[3])
local shared = {}
for i = 4, 3 + 2 * n do shared[#shared + 1] = ARGV[i] end
local recorded = 0
for i = 4 + 2 * n, #ARGV, 5 do
  local seen, status = redis.call('HGET', KEYS[3], ARGV[i]), ARGV[i + 4]
  if (status == '' and not seen) or (status ~= '' and seen ~= status) then
    local id = redis.call('XADD', KEYS[2], '*', 'attribute', ARGV[i + 1], 'value', ARGV[i + 2],
                          'label', ARGV[i + 3], 'comment_status', status, unpack(shared))
    redis.call('HSET', KEYS[3], ARGV[i], status ~= '' and status or id)
    recorded = recorded + 1
  end
end
return {1, recorded}
"""
