Meeting notes, not a migration: ask Bob $$ about the rollout?
