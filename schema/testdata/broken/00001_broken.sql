-- +goose Up
CREATE TABLE before_failure (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE broken (;
CREATE TABLE after_failure (id INTEGER NOT NULL PRIMARY KEY);

-- +goose Down
DROP TABLE before_failure;
