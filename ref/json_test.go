package ref_test

import (
	"encoding/json"
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
