// Two hundred entities of one shape for BenchmarkDiff200: distinct Go
// types, since metadata is read per type (the list is bench200, at the end).

package schema_test

import (
	"time"

	"github.com/gomikro/gomikro/ref"
)

type B000 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
}

type B001 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B000] `orm:"nullable"`
}

type B002 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B001] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B003 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B002] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B004 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B003] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B005 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B004] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B006 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B005] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B007 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B006] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B008 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B007] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B009 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B008] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B010 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B009] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B011 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B010] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B012 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B011] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B013 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B012] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B014 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B013] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B015 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B014] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B016 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B015] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B017 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B016] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B018 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B017] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B019 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B018] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B020 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B019] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B021 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B020] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B022 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B021] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B023 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B022] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B024 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B023] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B025 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B024] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B026 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B025] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B027 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B026] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B028 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B027] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B029 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B028] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B030 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B029] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B031 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B030] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B032 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B031] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B033 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B032] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B034 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B033] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B035 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B034] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B036 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B035] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B037 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B036] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B038 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B037] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B039 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B038] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B040 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B039] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B041 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B040] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B042 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B041] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B043 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B042] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B044 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B043] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B045 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B044] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B046 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B045] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B047 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B046] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B048 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B047] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B049 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B048] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B050 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B049] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B051 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B050] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B052 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B051] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B053 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B052] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B054 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B053] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B055 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B054] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B056 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B055] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B057 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B056] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B058 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B057] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B059 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B058] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B060 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B059] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B061 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B060] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B062 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B061] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B063 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B062] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B064 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B063] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B065 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B064] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B066 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B065] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B067 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B066] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B068 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B067] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B069 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B068] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B070 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B069] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B071 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B070] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B072 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B071] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B073 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B072] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B074 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B073] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B075 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B074] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B076 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B075] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B077 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B076] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B078 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B077] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B079 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B078] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B080 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B079] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B081 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B080] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B082 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B081] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B083 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B082] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B084 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B083] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B085 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B084] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B086 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B085] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B087 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B086] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B088 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B087] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B089 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B088] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B090 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B089] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B091 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B090] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B092 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B091] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B093 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B092] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B094 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B093] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B095 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B094] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B096 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B095] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B097 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B096] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B098 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B097] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B099 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B098] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B100 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B099] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B101 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B100] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B102 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B101] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B103 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B102] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B104 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B103] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B105 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B104] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B106 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B105] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B107 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B106] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B108 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B107] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B109 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B108] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B110 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B109] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B111 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B110] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B112 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B111] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B113 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B112] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B114 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B113] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B115 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B114] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B116 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B115] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B117 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B116] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B118 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B117] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B119 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B118] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B120 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B119] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B121 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B120] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B122 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B121] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B123 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B122] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B124 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B123] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B125 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B124] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B126 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B125] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B127 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B126] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B128 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B127] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B129 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B128] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B130 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B129] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B131 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B130] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B132 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B131] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B133 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B132] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B134 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B133] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B135 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B134] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B136 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B135] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B137 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B136] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B138 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B137] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B139 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B138] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B140 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B139] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B141 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B140] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B142 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B141] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B143 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B142] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B144 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B143] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B145 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B144] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B146 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B145] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B147 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B146] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B148 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B147] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B149 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B148] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B150 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B149] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B151 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B150] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B152 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B151] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B153 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B152] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B154 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B153] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B155 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B154] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B156 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B155] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B157 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B156] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B158 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B157] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B159 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B158] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B160 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B159] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B161 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B160] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B162 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B161] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B163 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B162] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B164 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B163] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B165 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B164] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B166 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B165] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B167 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B166] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B168 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B167] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B169 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B168] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B170 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B169] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B171 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B170] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B172 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B171] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B173 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B172] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B174 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B173] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B175 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B174] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B176 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B175] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B177 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B176] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B178 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B177] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B179 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B178] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B180 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B179] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B181 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B180] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B182 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B181] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B183 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B182] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B184 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B183] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B185 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B184] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B186 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B185] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B187 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B186] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B188 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B187] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B189 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B188] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B190 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B189] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B191 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B190] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B192 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B191] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B193 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B192] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B194 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B193] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B195 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B194] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B196 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B195] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B197 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B196] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B198 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B197] `orm:"nullable"`
	First  ref.Ref[B000]
}

type B199 struct {
	ID     int64   `orm:"pk"`
	Name   string  `orm:"length=80,index"`
	Code   string  `orm:"unique,length=20"`
	Amount float64 `orm:"precision=12,scale=2"`
	Count  *int32  `orm:"nullable=false,default=0"`
	Note   *string
	At     time.Time `orm:"default=now"`
	Data   map[string]any
	Prev   ref.Ref[B198] `orm:"nullable"`
	First  ref.Ref[B000]
}

var bench200 = []any{B000{}, B001{}, B002{}, B003{}, B004{}, B005{}, B006{}, B007{}, B008{}, B009{}, B010{}, B011{}, B012{}, B013{}, B014{}, B015{}, B016{}, B017{}, B018{}, B019{}, B020{}, B021{}, B022{}, B023{}, B024{}, B025{}, B026{}, B027{}, B028{}, B029{}, B030{}, B031{}, B032{}, B033{}, B034{}, B035{}, B036{}, B037{}, B038{}, B039{}, B040{}, B041{}, B042{}, B043{}, B044{}, B045{}, B046{}, B047{}, B048{}, B049{}, B050{}, B051{}, B052{}, B053{}, B054{}, B055{}, B056{}, B057{}, B058{}, B059{}, B060{}, B061{}, B062{}, B063{}, B064{}, B065{}, B066{}, B067{}, B068{}, B069{}, B070{}, B071{}, B072{}, B073{}, B074{}, B075{}, B076{}, B077{}, B078{}, B079{}, B080{}, B081{}, B082{}, B083{}, B084{}, B085{}, B086{}, B087{}, B088{}, B089{}, B090{}, B091{}, B092{}, B093{}, B094{}, B095{}, B096{}, B097{}, B098{}, B099{}, B100{}, B101{}, B102{}, B103{}, B104{}, B105{}, B106{}, B107{}, B108{}, B109{}, B110{}, B111{}, B112{}, B113{}, B114{}, B115{}, B116{}, B117{}, B118{}, B119{}, B120{}, B121{}, B122{}, B123{}, B124{}, B125{}, B126{}, B127{}, B128{}, B129{}, B130{}, B131{}, B132{}, B133{}, B134{}, B135{}, B136{}, B137{}, B138{}, B139{}, B140{}, B141{}, B142{}, B143{}, B144{}, B145{}, B146{}, B147{}, B148{}, B149{}, B150{}, B151{}, B152{}, B153{}, B154{}, B155{}, B156{}, B157{}, B158{}, B159{}, B160{}, B161{}, B162{}, B163{}, B164{}, B165{}, B166{}, B167{}, B168{}, B169{}, B170{}, B171{}, B172{}, B173{}, B174{}, B175{}, B176{}, B177{}, B178{}, B179{}, B180{}, B181{}, B182{}, B183{}, B184{}, B185{}, B186{}, B187{}, B188{}, B189{}, B190{}, B191{}, B192{}, B193{}, B194{}, B195{}, B196{}, B197{}, B198{}, B199{}}
