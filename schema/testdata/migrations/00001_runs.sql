-- +goose Up
CREATE TABLE runs (id INTEGER NOT NULL PRIMARY KEY, note VARCHAR(20) NOT NULL);
INSERT INTO runs (id, note) VALUES (1, 'first');

-- +goose Down
DROP TABLE runs;
