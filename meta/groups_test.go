package meta_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
)

type grAddr struct {
	City string
	Note string `orm:"groups=staff"`
}

type grUser struct {
	ID    int64    `orm:"pk"`
	Email string   `orm:"groups=self|admin"`
	Home  grAddr   `orm:"embedded,groups=self"`
	Old   []grAddr `orm:"embedded,groups=admin"`
}

func TestSerializationGroups(t *testing.T) {
	r, err := meta.NewRegistry(nil, grUser{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := r.ByName("grUser")
	for name, want := range map[string][]string{"Email": {"self", "admin"}, "Home.Note": {"staff"}, "Old": {"admin"}, "Home.City": nil} {
		f, ok := e.Field(name)
		if !ok || !slices.Equal(f.Groups, want) {
			t.Errorf("%s: groups %v, want %v", name, f.Groups, want)
		}
	}
}

type grEmpty struct {
	ID int64  `orm:"pk"`
	A  string `orm:"groups="`
}

type grBlank struct {
	ID int64  `orm:"pk"`
	A  string `orm:"groups=a||b"`
}

type grBadName struct {
	ID int64  `orm:"pk"`
	A  string `orm:"groups=a b"`
}

type grTwice struct {
	ID int64  `orm:"pk"`
	A  string `orm:"groups=a|a"`
}

type grHidden struct {
	ID int64  `orm:"pk"`
	A  string `orm:"hidden,groups=a"`
}

type grEmbHidden struct {
	ID int64  `orm:"pk"`
	A  grAddr `orm:"embedded,hidden,groups=a"`
}

type grEmbBad struct {
	ID int64  `orm:"pk"`
	A  grAddr `orm:"embedded,groups=a;b"`
}

func TestSerializationGroupsErrors(t *testing.T) {
	for _, c := range []struct {
		ent  any
		want string
	}{
		{grEmpty{}, "grEmpty.A: tag \"groups\": groups= needs group names"},
		{grBlank{}, "grBlank.A: tag \"groups\": an empty group name"},
		{grBadName{}, "grBadName.A: tag \"groups\": group name \"a b\""},
		{grTwice{}, "grTwice.A: tag \"groups\": group \"a\" is listed twice"},
		{grHidden{}, "grHidden.A: hidden and groups= together"},
		{grEmbHidden{}, "grEmbHidden.A: hidden and groups= together"},
		{grEmbBad{}, "grEmbBad.A: tag \"groups\": group name \"a;b\""},
	} {
		_, err := meta.NewRegistry(nil, c.ent)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: got %v, want %q", c.ent, err, c.want)
		}
	}
}
