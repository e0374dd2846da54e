-- Reminder channels (group robot, mail server, the hour reminders go out,
-- the address links in messages point to) are an organisation's own: each
-- district posts to its own robot. Their keys are kept as
-- org.<id>.<key>; those saved before organisations are organisation 1's.
UPDATE settings SET key = 'org.1.' || key
WHERE key IN ('base_url', 'remind.hour', 'webhook.kind', 'webhook.url', 'webhook.secret',
              'smtp.host', 'smtp.port', 'smtp.username', 'smtp.password', 'smtp.from', 'smtp.security');
