package shop

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// Handler returns the shop's HTTP API, served through orm.Middleware so
// that every request works in a fork of its own:
//
//	POST /books                 {"title", "year", "stock", "author"} → 201 the book
//	GET  /books/{id}            → the book, or 404
//	GET  /authors/{name}/books  ?since=year → the author's books, newest first
//	POST /books/{id}/orders     {"quantity"} → 201 the order, 409 when out of stock
func Handler(orm *sqlem.ORM) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /books", handle(addBook))
	mux.HandleFunc("GET /books/{id}", handle(getBook))
	mux.HandleFunc("GET /authors/{name}/books", handle(authorBooks))
	mux.HandleFunc("POST /books/{id}/orders", handle(orderBook))
	return orm.Middleware()(mux)
}

// handle adapts a handler that works in the request's unit of work and
// returns an error, which becomes the response's status.
func handle(fn func(w http.ResponseWriter, r *http.Request, books Books) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m, err := sqlem.FromContext(r.Context()) // the request's fork
		if err == nil {
			err = fn(w, r, BooksOf(m))
		}
		if err != nil {
			writeError(w, err)
		}
	}
}

// BookJSON is a book as the API shows it.
type BookJSON struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Year   int    `json:"year"`
	Stock  int    `json:"stock"`
	Author string `json:"author,omitempty"`
}

func bookJSON(b *Book) BookJSON {
	out := BookJSON{ID: b.ID, Title: b.Title, Year: b.Year, Stock: b.Stock}
	if a := b.Author.Get(); a != nil {
		out.Author = a.Name
	}
	return out
}

// OrderJSON is an order as the API shows it.
type OrderJSON struct {
	ID       int64 `json:"id"`
	Book     int64 `json:"book"`
	Quantity int   `json:"quantity"`
}

func addBook(w http.ResponseWriter, r *http.Request, books Books) error {
	var in struct {
		Title  string `json:"title"`
		Year   int    `json:"year"`
		Stock  int    `json:"stock"`
		Author string `json:"author"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return &gomikro.ValidationError{Msg: "body: " + err.Error()}
	}
	b, err := books.Add(r.Context(), in.Title, in.Year, in.Stock, in.Author)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, bookJSON(b))
}

func getBook(w http.ResponseWriter, r *http.Request, books Books) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := books.FindOneOrFail(r.Context(), query.Eq("id", id))
	if err != nil {
		return err
	}
	if _, err := b.Author.Load(r.Context()); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, bookJSON(b))
}

func authorBooks(w http.ResponseWriter, r *http.Request, books Books) error {
	since := 0
	if s := r.URL.Query().Get("since"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return &gomikro.ValidationError{Msg: "since: " + err.Error()}
		}
		since = n
	}
	bs, err := books.ByAuthor(r.Context(), r.PathValue("name"), since)
	if err != nil {
		return err
	}
	out := make([]BookJSON, len(bs))
	for i, b := range bs {
		out[i] = bookJSON(b)
	}
	return writeJSON(w, http.StatusOK, out)
}

func orderBook(w http.ResponseWriter, r *http.Request, books Books) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Quantity int `json:"quantity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return &gomikro.ValidationError{Msg: "body: " + err.Error()}
	}
	o, err := books.Order(r.Context(), id, in.Quantity)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, OrderJSON{ID: o.ID, Book: id, Quantity: o.Quantity})
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, &gomikro.ValidationError{Msg: "id: " + err.Error()}
	}
	return id, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// writeError answers with the status the error calls for.
func writeError(w http.ResponseWriter, err error) {
	var ve *gomikro.ValidationError
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, gomikro.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrOutOfStock), errors.Is(err, gomikro.ErrUniqueViolation):
		status = http.StatusConflict
	case errors.As(err, &ve):
		status = http.StatusBadRequest
	}
	http.Error(w, err.Error(), status)
}
