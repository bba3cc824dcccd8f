package mongoem

import (
	"reflect"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

var (
	_ em.KeyBatcher = (*driver)(nil)
	_ em.KeyBatcher = (*txSession)(nil)
)

// keyListBytes bounds the BSON size of one $in list of keys: a command is
// one document of at most 16 MiB, which the rest of the find must fit in
// too.
const keyListBytes = 12 << 20

// KeyBatch implements em.KeyBatcher: as many keys as fit keyListBytes.
func (d *driver) KeyBatch(f *meta.Field, keys []any) int { return keyBatch(keys) }

// KeyBatch implements em.KeyBatcher.
func (t *txSession) KeyBatch(f *meta.Field, keys []any) int { return keyBatch(keys) }

// keyBatch returns how many keys fit one $in list (0: all), from the
// largest key's BSON size.
func keyBatch(keys []any) int {
	elem := 0
	for _, k := range keys {
		elem = max(elem, keySize(k))
	}
	// An array element is its type byte, its index as a C string and
	// its value.
	elem += 1 + len(strconv.Itoa(len(keys))) + 1
	n := keyListBytes / elem
	if n >= len(keys) {
		return 0
	}
	return max(1, n)
}

// keySize is the BSON size of a key value (a generous guess for types it
// does not know).
func keySize(k any) int {
	switch x := k.(type) {
	case bson.ObjectID:
		return 12
	case string:
		return 4 + len(x) + 1
	case []byte:
		return 4 + 1 + len(x)
	}
	switch reflect.ValueOf(k).Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return 4
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.Bool:
		return 8
	case reflect.String:
		return 4 + reflect.ValueOf(k).Len() + 1
	}
	return 64
}
