package fsm

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"
)

// Tests run the tracker strictly: a transition that is not an Edge panics,
// so the scripts, the fuzz target and the property tests catch it.
func init() { strictEdges = true }

// RoundTrip freezes and thaws every live connection tr tracks, without
// changing tr, and returns how many it checked, how many could not be
// frozen, and what differed in the first that did not come back equal
// (reflect.DeepEqual, which ignores slice capacity; the bookkeeping
// fields slot and touched, and prev, which a frozen one never has, are
// not compared).
func RoundTrip(tr *Tracker) (checked, refused int, diff string) {
	for _, c := range tr.conns {
		if c.prev != nil {
			continue
		}
		rec, ok := tr.encode(c)
		if !ok {
			refused++
			continue
		}
		checked++
		d := tr.decode(rec)
		d.slot, d.touched = c.slot, c.touched
		if id, key := recordID(rec), recordKey(rec); id != c.ID || key != c.key() {
			return checked, refused, fmt.Sprintf("conn %d: the record's head reads ID %d, key %v", c.ID, id, key)
		}
		if !reflect.DeepEqual(c, d) && diff == "" {
			diff = fmt.Sprintf("conn %d: %s", c.ID, fieldDiff(reflect.ValueOf(c).Elem(), reflect.ValueOf(d).Elem(), "Conn"))
		}
	}
	return checked, refused, diff
}

// fieldDiff names the first field where a and b differ.
func fieldDiff(a, b reflect.Value, path string) string {
	if a.Kind() == reflect.Struct && a.Type() != reflect.TypeOf(time.Time{}) {
		for i := 0; i < a.NumField(); i++ {
			if s := fieldDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); s != "" {
				return s
			}
		}
		return ""
	}
	if a.Kind() == reflect.Array || (a.Kind() == reflect.Slice && a.Len() == b.Len() && a.IsNil() == b.IsNil()) {
		for i := 0; i < a.Len(); i++ {
			if s := fieldDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); s != "" {
				return s
			}
		}
		return ""
	}
	if reflect.DeepEqual(valueOf(a), valueOf(b)) {
		return ""
	}
	return fmt.Sprintf("%s: %#v, thawed %#v", path, valueOf(a), valueOf(b))
}

// valueOf reads an unexported field's value too (v is addressable).
func valueOf(v reflect.Value) any {
	if v.CanInterface() {
		return v.Interface()
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem().Interface()
}

// Frozen returns how many connections tr holds frozen.
func Frozen(tr *Tracker) int { return tr.frz.n }

// Thawed returns how many connections a segment thawed, and the
// idleness freezing waits for now.
func Thawed(tr *Tracker) (thaws, idle uint64) { return tr.frz.thawedTotal, tr.frz.idle }
