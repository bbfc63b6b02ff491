package fsm

import (
	"reflect"
	"testing"
)

// TestCloneKnowsEveryReference fails when a type Clone copies gains a
// field that holds a pointer, slice or map it does not know: Clone would
// share it between the original and the copy. Teach Conn.clone (or
// Tracker.Clone) to copy the new field, then add it here.
func TestCloneKnowsEveryReference(t *testing.T) {
	known := map[string]bool{
		"Tracker.conns": true, "Tracker.evs": true, "Tracker.tw": true, "Tracker.linger": true, "Tracker.cur": true, "Tracker.cache": true, "cacheEntry.c": true,
		"timerQueue.q":  true,
		"Tracker.slots": true, "slot.c": true, "Tracker.free": true, "freezer.tab": true, "freezer.reasons": true,
		"freezer.reasonIx": true, "freezer.locs": true, "freezer.buf": true, "freezer.pool": true, "reasonHit.p": true,
		"Conn.Transitions": true, "Conn.Revisions": true, "Conn.Notes": true, "Conn.prev": true, "endpoint.ooo": true,
		"zeekState.history": true, "zReassembler.blocks": true, "Revision.Believed": true, "Revision.Withdrawn": true,
		"Event.Conn": true, "Event.Revision": true,
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		if seen[ty] || ty.Kind() != reflect.Struct || ty.PkgPath() != reflect.TypeOf(Conn{}).PkgPath() {
			return
		}
		seen[ty] = true
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			ft := f.Type
			for ft.Kind() == reflect.Array {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Chan, reflect.Func, reflect.Interface:
				if !known[ty.Name()+"."+f.Name] {
					t.Errorf("%s.%s (%s) is a reference Clone does not copy", ty.Name(), f.Name, f.Type)
				}
				if e := ft.Elem(); e.Kind() == reflect.Struct {
					walk(e)
				}
			case reflect.Struct:
				walk(ft)
			}
		}
	}
	walk(reflect.TypeOf(Tracker{}))
	if !seen[reflect.TypeOf(Conn{})] {
		t.Fatal("the walk never reached Conn")
	}
}
