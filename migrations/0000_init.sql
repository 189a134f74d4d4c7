CREATE TABLE `claims` (
	`pool` text NOT NULL,
	`value` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`uid` text NOT NULL,
	PRIMARY KEY(`pool`, `value`)
);
--> statement-breakpoint
CREATE INDEX `claims_uid` ON `claims` (`uid`);--> statement-breakpoint
CREATE TABLE `current` (
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`revision` integer NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`resource`, `namespace`, `name`)
);
--> statement-breakpoint
CREATE TABLE `log` (
	`revision` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`created` integer NOT NULL,
	`deleted` integer NOT NULL,
	`prev_revision` integer NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `log_key_revision` ON `log` (`resource`,`namespace`,`name`,`revision`);--> statement-breakpoint
CREATE INDEX `log_resource_revision` ON `log` (`resource`,`revision`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
