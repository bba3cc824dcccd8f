package postgres_test

import (
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/qbtest"
	"github.com/gomikro/gomikro/sqlem"
)

func TestQueryBuilder(t *testing.T) {
	qbtest.Run(t, qbtest.Backend{
		Name: "postgres",
		Open: func(t *testing.T, cfg gomikro.Config) *sqlem.ORM { return openFresh(t, cfg) },
	})
}
