package ref_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/ref"
)

type jAuthor struct {
	ID       int64 `orm:"pk"`
	Name     string
	Email    string                `json:"email,omitempty"`
	Password string                `orm:"hidden"`
	Secret   string                `json:"-"`
	Books    ref.Collection[jBook] `orm:"mappedBy=Author" json:"books"`
}

type jBook struct {
	ID     int64 `orm:"pk" json:"id"`
	Title  string
	Author ref.Ref[jAuthor]
	Tags   ref.Collection[jTag] `orm:"m:n"`
	Editor ref.Ref[jAuthor]     `orm:"nullable"`
}

type jTag struct {
	ID   int64 `orm:"pk"`
	Name string
}

func graph() (*jAuthor, *jBook) {
	a := &jAuthor{ID: 1, Name: "Ann", Email: "ann@x", Password: "pw", Secret: "s"}
	b := &jBook{ID: 10, Title: "Go", Author: ref.To(a), Tags: ref.NewCollection(&jTag{ID: 5, Name: "go"})}
	a.Books = ref.NewCollection(b, &jBook{ID: 11, Title: "Go 2", Author: ref.To(a)})
	return a, b
}

func TestJSONMarshalIsOneLevelDeep(t *testing.T) {
	a, b := graph()
	got, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":10,"Title":"Go","Author":{"ID":1,"Name":"Ann","email":"ann@x","books":[10,11]},"Tags":[{"ID":5,"Name":"go"}],"Editor":null}`
	if string(got) != want {
		t.Fatalf("book:\n got %s\nwant %s", got, want)
	}
	got, err = json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	// The top level is encoding/json's own: Password is written there
	// (orm:"hidden" is for nested entities and ref.Marshal), Secret not.
	want = `{"ID":1,"Name":"Ann","email":"ann@x","Password":"pw","books":[{"id":10,"Title":"Go","Author":1,"Tags":[5],"Editor":null},{"id":11,"Title":"Go 2","Author":1,"Tags":null,"Editor":null}]}`
	if string(got) != want {
		t.Fatalf("author:\n got %s\nwant %s", got, want)
	}
	// A reference holding only a key is written as the key.
	byID := jBook{ID: 12, Author: ref.FromID[jAuthor](int64(7))}
	got, _ = json.Marshal(byID)
	if !strings.Contains(string(got), `"Author":7`) {
		t.Fatalf("FromID: %s", got)
	}
}

func TestMarshalPopulateExcludeCycles(t *testing.T) {
	a, b := graph()
	got, err := ref.Marshal(b, ref.JSONOptions{Populate: []string{"Author.books", "Tags"}, Exclude: []string{"Author.email", "Title"}})
	if err != nil {
		t.Fatal(err)
	}
	// Book 10 is met again inside itself: its key.
	want := `{"id":10,"Author":{"ID":1,"Name":"Ann","books":[10,{"id":11,"Title":"Go 2","Author":1,"Tags":null,"Editor":null}]},"Tags":[{"ID":5,"Name":"go"}],"Editor":null}`
	if string(got) != want {
		t.Fatalf("Marshal:\n got %s\nwant %s", got, want)
	}
	got, err = ref.Marshal([]*jAuthor{a, nil}, ref.JSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"ID":1,"Name":"Ann","email":"ann@x","books":[10,11]},null]`; string(got) != want {
		t.Fatalf("Marshal of a slice:\n got %s\nwant %s", got, want)
	}
	if _, err := ref.Marshal(3, ref.JSONOptions{}); err == nil {
		t.Fatal("Marshal(3) accepted")
	}
	if _, err := ref.Marshal([]int{1}, ref.JSONOptions{}); err == nil {
		t.Fatal("Marshal([]int) accepted")
	}
}

type gAddr struct {
	City  string `json:"city"`
	Phone string `orm:"groups=staff"`
	Code  string `orm:"hidden"`
}

type gUser struct {
	ID      int64                 `orm:"pk" json:"id"`
	Name    string                `json:"name"`
	Email   string                `orm:"groups=self|admin" json:"email"`
	Salary  int                   `orm:"groups=admin"`
	Home    gAddr                 `orm:"embedded" json:"home"`
	Ship    *gAddr                `orm:"embedded,groups=self"`
	Old     []gAddr               `orm:"embedded"`
	Manager ref.Ref[gUser]        `orm:"nullable,groups=admin"`
	Posts   ref.Collection[gPost] `orm:"mappedBy=Author" json:"posts"`
}

type gPost struct {
	ID     int64 `orm:"pk"`
	Title  string
	Draft  bool `orm:"groups=self"`
	Author ref.Ref[gUser]
}

func gGraph() *gUser {
	boss := &gUser{ID: 1, Name: "Boss", Email: "b@x", Salary: 9}
	u := &gUser{ID: 2, Name: "Ann", Email: "a@x", Salary: 5, Home: gAddr{City: "Oslo", Phone: "1", Code: "c"},
		Ship: &gAddr{City: "Bergen"}, Old: []gAddr{{City: "Alta", Phone: "2"}}, Manager: ref.To(boss)}
	u.Posts = ref.NewCollection(&gPost{ID: 10, Title: "Hi", Draft: true, Author: ref.To(u)})
	boss.Posts = ref.NewCollection(&gPost{ID: 11, Title: "Boss post", Author: ref.To(boss)})
	return u
}

func TestMarshalGroups(t *testing.T) {
	u := gGraph()
	for _, c := range []struct {
		name string
		o    ref.JSONOptions
		want string
	}{
		{"no groups: grouped fields left out, everywhere", ref.JSONOptions{Populate: []string{"posts"}},
			`{"id":2,"name":"Ann","home":{"city":"Oslo"},"Old":[{"city":"Alta"}],"posts":[{"ID":10,"Title":"Hi","Author":2}]}`},
		{"an unknown group is not an error", ref.JSONOptions{Groups: []string{"nobody"}},
			`{"id":2,"name":"Ann","home":{"city":"Oslo"},"Old":[{"city":"Alta"}],"posts":[10]}`},
		{"self, at every depth", ref.JSONOptions{Groups: []string{"self"}, Populate: []string{"Posts.Author"}},
			`{"id":2,"name":"Ann","email":"a@x","home":{"city":"Oslo"},"Ship":{"city":"Bergen"},"Old":[{"city":"Alta"}],"posts":[{"ID":10,"Title":"Hi","Draft":true,"Author":2}]}`},
		{"admin and staff; the manager populated, his posts too", ref.JSONOptions{Groups: []string{"admin", "staff"}, Populate: []string{"Manager.posts"}, Exclude: []string{"Manager.Salary", "home.Phone"}},
			`{"id":2,"name":"Ann","email":"a@x","Salary":5,"home":{"city":"Oslo"},"Old":[{"city":"Alta","Phone":"2"}],"Manager":{"id":1,"name":"Boss","email":"b@x","home":{"city":"","Phone":""},"Old":null,"Manager":null,"posts":[{"ID":11,"Title":"Boss post","Author":1}]},"posts":[10]}`},
		{"a populated relation outside the groups asked for is left out", ref.JSONOptions{Groups: []string{"self"}, Populate: []string{"Manager"}},
			`{"id":2,"name":"Ann","email":"a@x","home":{"city":"Oslo"},"Ship":{"city":"Bergen"},"Old":[{"city":"Alta"}],"posts":[10]}`},
	} {
		got, err := ref.Marshal(u, c.o)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	// encoding/json's nested entities: one level, without grouped fields.
	got, err := json.Marshal(u.Posts.Items()[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ID":10,"Title":"Hi","Draft":true,"Author":{"id":2,"name":"Ann","home":{"city":"Oslo"},"Old":[{"city":"Alta"}],"posts":[10]}}`; string(got) != want {
		t.Errorf("json.Marshal:\n got %s\nwant %s", got, want)
	}
}

func TestMarshalPathErrors(t *testing.T) {
	u := gGraph()
	for _, c := range []struct {
		o    ref.JSONOptions
		want string
	}{
		{ref.JSONOptions{Populate: []string{"Posts.Auther"}}, `Populate "Posts.Auther": gPost has no field "auther"`},
		{ref.JSONOptions{Populate: []string{"name"}}, `Populate "name": gUser.Name is not a relation`},
		{ref.JSONOptions{Exclude: []string{"Name.First"}}, `Exclude "Name.First": gUser.Name is neither a relation nor an embeddable`},
		{ref.JSONOptions{Exclude: []string{"home.zip"}}, `Exclude "home.zip": gAddr has no field "zip"`},
	} {
		_, err := ref.Marshal(u, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
	}
	// A field never written may be excluded: nothing to do.
	if _, err := ref.Marshal(u, ref.JSONOptions{Exclude: []string{"home.Code"}}); err != nil {
		t.Errorf("excluding a hidden field: %v", err)
	}
	paths, err := ref.JSONOptions{Populate: []string{"posts.author.manager", "Manager"}, Groups: []string{"self"}}.Expanded(reflect.TypeFor[gUser]())
	if err != nil || strings.Join(paths, " ") != "Posts Posts.Author" {
		t.Errorf("Expanded: %v %v, want [Posts Posts.Author] (Manager is in a group not asked for)", paths, err)
	}
}
