package faults

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 1, 12, 0, 30, 0, time.UTC)

func TestCountFaultAppliesToNextCallsThenExpires(t *testing.T) {
	s := NewSet(nil)
	r, err := s.Add(Rule{Operation: "refreshUserToken", Preset: "rate_limited", Count: 2})
	if err != nil || r.ID == "" || r.Status != 429 || string(r.Body) != `{"message":"auth.request_limit_exceeded"}` {
		t.Fatalf("add: %+v %v", r, err)
	}
	if o := s.Decide("createUserToken", now); o != nil {
		t.Errorf("other operation hit: %+v", o)
	}
	for i := 0; i < 2; i++ {
		if o := s.Decide("refreshUserToken", now); o == nil || o.Status != 429 {
			t.Fatalf("call %d: %+v", i, o)
		}
	}
	if o := s.Decide("refreshUserToken", now); o != nil || len(s.List()) != 0 {
		t.Errorf("fault outlived its count: %+v %v", o, s.List())
	}
}

func TestPercentFaultUsesRandom(t *testing.T) {
	vals := []float64{0.1, 0.9}
	i := 0
	s := NewSet(func() float64 { v := vals[i%2]; i++; return v })
	s.Add(Rule{Operation: "*", Preset: "503", Percent: 50})
	if o := s.Decide("validateToken", now); o == nil || o.Status != 503 {
		t.Errorf("10 < 50 should fault: %+v", o)
	}
	if o := s.Decide("validateToken", now); o != nil {
		t.Errorf("90 >= 50 should pass: %+v", o)
	}
}

func TestPresets(t *testing.T) {
	for name, want := range map[string]int{"rate_limited": 429, "per_api_limit": 429, "500": 500, "502": 502, "503": 503} {
		r, err := NewSet(nil).Add(Rule{Operation: "*", Preset: name, Count: 1})
		if err != nil || r.Status != want || !json.Valid(r.Body) {
			t.Errorf("%s: %+v %v", name, r, err)
		}
	}
}

func TestBadRulesNameTheFieldAndAddNothing(t *testing.T) {
	cases := []struct {
		rule  Rule
		field string
	}{
		{Rule{Preset: "500", Count: 1}, "operation"},
		{Rule{Operation: "*", Preset: "418", Count: 1}, "preset"},
		{Rule{Operation: "*", Status: 99, Body: json.RawMessage(`{}`), Count: 1}, "status"},
		{Rule{Operation: "*", Status: 200, Body: json.RawMessage(`{}`), Count: 1}, "status"},
		{Rule{Operation: "*", Status: 500, Count: 1}, "body"},
		{Rule{Operation: "*", Preset: "500"}, "count"},
		{Rule{Operation: "*", Preset: "500", Count: -1}, "count"},
		{Rule{Operation: "*", Preset: "500", Percent: 101}, "percent"},
		{Rule{Operation: "*", Preset: "500", Count: 1, Percent: 5}, "percent"},
		{Rule{Operation: "*", Preset: "500", Count: 1, Delay: Duration(-time.Second)}, "delay"},
		{Rule{Operation: "*", Preset: "500", Count: 1, Delay: Duration(time.Hour)}, "delay"},
		{Rule{Operation: "*", Preset: "500", Status: 500, Count: 1}, "preset"},
		{Rule{Operation: "*", Drop: true, Status: 500, Count: 1}, "status"},
	}
	s := NewSet(nil)
	for _, tc := range cases {
		_, err := s.Add(tc.rule)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: err %v, want field %s", tc.rule, err, tc.field)
		}
	}
	if len(s.List()) != 0 {
		t.Errorf("bad rules were added: %v", s.List())
	}
}

func TestDropAndDelay(t *testing.T) {
	s := NewSet(nil)
	s.Add(Rule{Operation: "*", Drop: true, Count: 1, Delay: Duration(time.Second)})
	o := s.Decide("callApi", now)
	if o == nil || !o.Drop || o.Delay != time.Second {
		t.Fatalf("%+v", o)
	}
}

func TestRateLimitPerMockMinute(t *testing.T) {
	s := NewSet(nil)
	if err := s.SetRateLimit(RateLimit{Operation: "refreshUserToken", PerMinute: 2}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if o := s.Decide("refreshUserToken", now); o != nil {
			t.Fatalf("call %d limited", i)
		}
	}
	if o := s.Decide("refreshUserToken", now); o == nil || o.Status != 429 || string(o.Body) != `{"message":"auth.request_limit_exceeded"}` {
		t.Fatalf("third call: %+v", o)
	}
	if o := s.Decide("refreshUserToken", now.Add(30*time.Second)); o != nil {
		t.Errorf("next minute still limited")
	}
	if err := s.SetRateLimit(RateLimit{Operation: "*", PerMinute: 1}); err == nil {
		t.Error("wildcard limit accepted")
	}
	s.Clear()
	if len(s.RateLimits()) != 0 {
		t.Error("clear kept limits")
	}
}

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	a := NewSet(nil)
	a.Add(Rule{Operation: "*", Preset: "503", Count: 3})
	a.SetRateLimit(RateLimit{Operation: "validateToken", PerMinute: 5})
	a.Decide("callApi", now)
	b := NewSet(nil)
	b.Restore(a.Snapshot())
	if got := b.List(); len(got) != 1 || got[0].Remaining != 2 || got[0].ID != "f1" {
		t.Fatalf("rules = %+v", got)
	}
	if got := b.RateLimits(); len(got) != 1 || got[0].PerMinute != 5 {
		t.Fatalf("limits = %+v", got)
	}
	if r, _ := b.Add(Rule{Operation: "*", Preset: "500", Count: 1}); r.ID != "f2" {
		t.Errorf("ids restart: %s", r.ID)
	}
}
