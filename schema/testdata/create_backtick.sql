CREATE TABLE `club` (
  `id` INT8 AUTO_INCREMENT NOT NULL,
  `city` VARCHAR(80) NOT NULL,
  `name` TEXT NOT NULL,
  `fee` DECIMAL(8,2) NOT NULL,
  `founded` TIMESTAMP NOT NULL,
  CONSTRAINT `pk_club` PRIMARY KEY (`id`),
  CONSTRAINT `uq_club_city_name` UNIQUE (`city`, `name`)
);

CREATE TABLE `member` (
  `id` INT8 AUTO_INCREMENT NOT NULL,
  `email` VARCHAR(320) NOT NULL,
  `nick` TEXT NOT NULL,
  `bio` TEXT,
  `motto` TEXT NOT NULL DEFAULT 'it''s fine',
  `rank` INT8 NOT NULL DEFAULT 10,
  `active` BOOL NOT NULL DEFAULT TRUE,
  `joined` TIMESTAMP NOT NULL DEFAULT NOW(),
  `prefs` JSON,
  `mentor_id` INT8,
  `version` INT8 NOT NULL,
  CONSTRAINT `pk_member` PRIMARY KEY (`id`),
  CONSTRAINT `uq_member_email` UNIQUE (`email`)
);

CREATE TABLE `label` (
  `code` VARCHAR(16) NOT NULL,
  `text` TEXT NOT NULL,
  CONSTRAINT `pk_label` PRIMARY KEY (`code`)
);

CREATE TABLE `membership` (
  `club_id` INT8 NOT NULL,
  `member_id` INT8 NOT NULL,
  `role` TEXT NOT NULL,
  `since` TIMESTAMP NOT NULL,
  CONSTRAINT `pk_membership` PRIMARY KEY (`club_id`, `member_id`)
);

CREATE TABLE `member_labels` (
  `member_id` INT8 NOT NULL,
  `label_code` VARCHAR(16) NOT NULL,
  CONSTRAINT `pk_member_labels` PRIMARY KEY (`member_id`, `label_code`)
);

CREATE TABLE `follows` (
  `member1_id` INT8 NOT NULL,
  `member2_id` INT8 NOT NULL,
  CONSTRAINT `pk_follows` PRIMARY KEY (`member1_id`, `member2_id`)
);

CREATE INDEX `idx_member_nick` ON `member` (`nick`);

CREATE INDEX `idx_member_mentor_id` ON `member` (`mentor_id`);

CREATE INDEX `idx_membership_role_since` ON `membership` (`role`, `since`);

CREATE INDEX `idx_membership_member_id` ON `membership` (`member_id`);

CREATE INDEX `idx_member_labels_label_code` ON `member_labels` (`label_code`);

CREATE INDEX `idx_follows_member2_id` ON `follows` (`member2_id`);

ALTER TABLE `member` ADD CONSTRAINT `fk_member_mentor_id` FOREIGN KEY (`mentor_id`) REFERENCES `member` (`id`) ON DELETE SET NULL;

ALTER TABLE `membership` ADD CONSTRAINT `fk_membership_club_id` FOREIGN KEY (`club_id`) REFERENCES `club` (`id`) ON DELETE CASCADE;

ALTER TABLE `membership` ADD CONSTRAINT `fk_membership_member_id` FOREIGN KEY (`member_id`) REFERENCES `member` (`id`);

ALTER TABLE `member_labels` ADD CONSTRAINT `fk_member_labels_member_id` FOREIGN KEY (`member_id`) REFERENCES `member` (`id`) ON DELETE CASCADE;

ALTER TABLE `member_labels` ADD CONSTRAINT `fk_member_labels_label_code` FOREIGN KEY (`label_code`) REFERENCES `label` (`code`) ON DELETE CASCADE;

ALTER TABLE `follows` ADD CONSTRAINT `fk_follows_member1_id` FOREIGN KEY (`member1_id`) REFERENCES `member` (`id`) ON DELETE CASCADE;

ALTER TABLE `follows` ADD CONSTRAINT `fk_follows_member2_id` FOREIGN KEY (`member2_id`) REFERENCES `member` (`id`) ON DELETE CASCADE;

