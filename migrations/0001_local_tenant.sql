-- The tenant that local development (`npm run dev`) and the tests run as.
INSERT OR IGNORE INTO `tenants` (`id`, `name`, `created_at`) VALUES ('local', 'Local development', 0);
