-- +goose Up
CREATE TABLE more_runs (id INTEGER NOT NULL PRIMARY KEY);
INSERT INTO runs (id, note) VALUES (2, 'second');

-- +goose Down
DELETE FROM runs WHERE id = 2;
DROP TABLE more_runs;
