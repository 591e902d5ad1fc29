package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

var allOps = []string{
	"AddCustomer", "AddCustomerWithCard", "UpdateCustomer", "GetCustomer", "GetCustomerList",
	"RemoveCustomer", "AddCard", "UpdateCard", "GetCard", "GetCardList", "RemoveCard",
}

// TestInvalidRequest: bad credentials and bad bodies give {Op}.InvalidRequest
// (GetCard.InvalidRequest for UpdateCard) on every operation.
func TestInvalidRequest(t *testing.T) {
	h := newHarness(t, Options{})
	setup(h)
	auth := func(kv ...any) map[string]any { return withFields(validAuth(Options{}), kv...) }
	req := map[string]any{"CustomerCode": "ali"}
	mk := func(a any, r any) []byte {
		b, _ := json.Marshal(map[string]any{"DealerCustomerAuthentication": a, "DealerCustomerRequest": r})
		return b
	}
	cases := []struct {
		name    string
		body    []byte
		listToo bool // GetCustomerList (which needs no request) fails too
	}{
		{"wrong CheckKey", mk(auth("CheckKey", checkKeyFor("SANDBOX", "sandbox", "other")), req), true},
		{"upper-case CheckKey", mk(auth("CheckKey", strings.ToUpper(checkKeyFor("SANDBOX", "sandbox", "sandbox"))), req), true},
		{"CheckKey of another account, consistent", mk(map[string]any{"DealerCode": "X", "Username": "sandbox", "Password": "sandbox", "CheckKey": checkKeyFor("X", "sandbox", "sandbox")}, req), true},
		{"wrong password", mk(auth("Password", "Sandbox"), req), true},
		{"wrong dealer code case", mk(auth("DealerCode", "sandbox"), req), true},
		{"password with space", mk(auth("Password", " sandbox"), req), true},
		{"CheckKey missing", mk(auth("CheckKey", deleteField), req), true},
		{"CheckKey not a string", mk(auth("CheckKey", []string{}), req), true},
		{"auth missing", mk(nil, req), true},
		{"auth not an object", mk("SANDBOX", req), true},
		{"auth empty", mk(map[string]any{}, req), true},
		{"corrupt JSON", []byte(`{"DealerCustomerAuthentication": {`), true},
		{"trailing garbage", append(mk(auth(), req), []byte(" x")...), true},
		{"two documents", append(mk(auth(), req), mk(auth(), req)...), true},
		{"empty body", nil, true},
		{"array body", []byte(`[]`), true},
		{"null body", []byte(`null`), true},
		{"string body", []byte(`"x"`), true},
		{"invalid UTF-8", []byte("{\"DealerCustomerAuthentication\":" + string(mustJSON(auth())) + ",\"DealerCustomerRequest\":{\"CustomerCode\":\"a\xffb\"}}"), true},
		{"request missing", mk(auth(), nil), false},
		{"request array", mk(auth(), []any{req}), false},
		{"request string", mk(auth(), "ali"), false},
	}
	for _, tc := range cases {
		for _, op := range allOps {
			a := h.raw(op, tc.body)
			want := codePrefix(op) + ".InvalidRequest"
			if op == "GetCustomerList" && !tc.listToo {
				want = "Success"
			}
			if a.ResultCode != want {
				t.Errorf("%s %s: %s (%q), want %s", tc.name, op, a.ResultCode, a.ResultMessage, want)
			}
			if want != "Success" && a.ResultMessage == "" {
				t.Errorf("%s %s: no ResultMessage", tc.name, op)
			}
		}
	}
	if n := len(h.s.Customers()); n != 2 {
		t.Errorf("%d customers after bad requests", n)
	}
}

func TestOtherAccount(t *testing.T) {
	o := Options{DealerCode: "ELİF", Username: "Elif", Password: "Elif123"}
	h := newHarness(t, o)
	b := mustJSON(map[string]any{"DealerCustomerAuthentication": validAuth(o)})
	if a := h.raw("GetCustomerList", b); a.ResultCode != "Success" {
		t.Errorf("own account: %s", a.ResultCode)
	}
	if a := h.call("GetCustomerList", nil); a.ResultCode != "DealerCustomer.GetCustomerList.InvalidRequest" {
		t.Errorf("default account on another: %s", a.ResultCode)
	}
}

// TestLimits: each limit at its length passes and round-trips unchanged,
// one more character fails with a message naming field and limit. Lengths
// are in characters: Turkish letters are two bytes each.
func TestLimits(t *testing.T) {
	type limit struct {
		op, field string
		max       int
		value     func(n int) string
		base      func(w world) map[string]any
		read      func(d cwc) string
	}
	cust := func(code string) func(world) map[string]any {
		return func(world) map[string]any { return map[string]any{"CustomerCode": code} }
	}
	letters := func(n int) string { return runes("ş", n) }
	mixed := func(n int) string {
		s := []rune(strings.Repeat("ğüşıöçİĞÜŞÖÇ", 20))
		return string(s[:n])
	}
	email := func(n int) string { return runes("ç", n-6) + "@ör.tr" } // "@ör.tr" is 6 characters
	cases := []limit{
		{"AddCustomer", "CustomerCode", 100, mixed, func(world) map[string]any { return map[string]any{} }, func(d cwc) string { return d.DealerCustomer.CustomerCode }},
		{"AddCustomer", "Password", 50, letters, cust("n"), func(d cwc) string { return d.DealerCustomer.Password }},
		{"AddCustomer", "FirstName", 50, mixed, cust("n"), func(d cwc) string { return d.DealerCustomer.FirstName }},
		{"AddCustomer", "LastName", 50, mixed, cust("n"), func(d cwc) string { return d.DealerCustomer.LastName }},
		{"AddCustomer", "GsmNumber", 20, letters, cust("n"), func(d cwc) string { return d.DealerCustomer.GsmNumber }},
		{"AddCustomer", "Email", 100, email, cust("n"), func(d cwc) string { return d.DealerCustomer.Email }},
		{"AddCustomer", "Address", 200, mixed, cust("n"), func(d cwc) string { return d.DealerCustomer.Address }},
		{"UpdateCustomer", "FirstName", 50, mixed, cust("ali"), func(d cwc) string { return d.DealerCustomer.FirstName }},
		{"UpdateCustomer", "Address", 200, mixed, cust("ali"), func(d cwc) string { return d.DealerCustomer.Address }},
		{"GetCustomer", "CustomerCode", 100, mixed, func(world) map[string]any { return map[string]any{} }, nil},
		{"AddCustomerWithCard", "CardHolderFullName", 100, mixed, func(world) map[string]any { return withFields(newCard(), "CustomerCode", "n") }, func(d cwc) string { return d.CardList[0].CardHolderFullName }},
		{"AddCard", "CardHolderFullName", 100, mixed, func(world) map[string]any { return newCard("CustomerCode", "ali") }, func(d cwc) string { return d.CardList[0].CardHolderFullName }},
		{"AddCard", "CardName", 50, mixed, func(world) map[string]any { return newCard("CustomerCode", "ali") }, func(d cwc) string { return d.CardList[0].CardName }},
		{"UpdateCard", "CardName", 50, mixed, func(w world) map[string]any { return map[string]any{"CardToken": w.card1.CardToken} }, func(d cwc) string { return d.CardList[0].CardName }},
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.field, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			w := setup(h)
			v := tc.value(tc.max)
			if n := len([]rune(v)); n != tc.max || len(v) <= tc.max {
				t.Fatalf("test value has %d runes, %d bytes", n, len(v))
			}
			req := tc.base(w)
			req[tc.field] = v
			a := h.call(tc.op, req)
			if tc.read == nil { // a lookup: long enough is fine, not found
				if !strings.HasSuffix(a.ResultCode, ".DealerCustomerNotFound") {
					t.Errorf("at the limit: %s", a.ResultCode)
				}
			} else {
				if a.ResultCode != "Success" {
					t.Fatalf("at the limit: %s %q", a.ResultCode, a.ResultMessage)
				}
				if got := tc.read(decode[cwc](t, a)); got != v {
					t.Errorf("round trip: %q, want %q", got, v)
				}
			}
			req = tc.base(w)
			req[tc.field] = tc.value(tc.max + 1)
			a = h.call(tc.op, req)
			if want := codePrefix(tc.op) + ".InvalidRequest"; a.ResultCode != want {
				t.Fatalf("over the limit: %s, want %s", a.ResultCode, want)
			}
			if want := fmt.Sprintf("%s max %d characters", tc.field, tc.max); a.ResultMessage != want {
				t.Errorf("ResultMessage %q, want %q", a.ResultMessage, want)
			}
		})
	}
}

// TestLenient: the real server takes numbers as strings and strings as
// numbers, and "" / 0 / null as "not given".
func TestLenient(t *testing.T) {
	type lc struct {
		name   string
		op     string
		req    string // DealerCustomerRequest, raw JSON
		want   string // reason or "Success"
		verify func(t *testing.T, d cwc)
	}
	gender := func(g int) func(t *testing.T, d cwc) {
		return func(t *testing.T, d cwc) {
			if d.DealerCustomer.Gender != g {
				t.Errorf("Gender %d, want %d", d.DealerCustomer.Gender, g)
			}
		}
	}
	cases := []lc{
		{"gender as string", "AddCustomer", `{"CustomerCode":"n","Gender":"2"}`, "Success", gender(2)},
		{"gender as number", "AddCustomer", `{"CustomerCode":"n","Gender":1}`, "Success", gender(1)},
		{"gender empty string", "AddCustomer", `{"CustomerCode":"n","Gender":""}`, "Success", gender(0)},
		{"gender null", "AddCustomer", `{"CustomerCode":"n","Gender":null}`, "Success", gender(0)},
		{"gender 0", "AddCustomer", `{"CustomerCode":"n","Gender":0}`, "Success", gender(0)},
		{"gender 2.0", "AddCustomer", `{"CustomerCode":"n","Gender":2.0}`, "InvalidRequest", nil},
		{"gender 2.5", "AddCustomer", `{"CustomerCode":"n","Gender":"2.5"}`, "InvalidRequest", nil},
		{"gender true", "AddCustomer", `{"CustomerCode":"n","Gender":true}`, "InvalidRequest", nil},
		{"gender huge", "AddCustomer", `{"CustomerCode":"n","Gender":99999999999999999999}`, "InvalidRequest", nil},
		{"gsm as number", "AddCustomer", `{"CustomerCode":"n","GsmNumber":5301111111}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.GsmNumber != "5301111111" {
				t.Errorf("GsmNumber %q", d.DealerCustomer.GsmNumber)
			}
		}},
		{"birth date as number", "AddCustomer", `{"CustomerCode":"n","BirthDate":19901218}`, "Success", nil},
		{"code as number", "AddCustomer", `{"CustomerCode":1234}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.CustomerCode != "1234" {
				t.Errorf("CustomerCode %q", d.DealerCustomer.CustomerCode)
			}
		}},
		{"name as object", "AddCustomer", `{"CustomerCode":"n","FirstName":{"x":1}}`, "InvalidRequest", nil},
		{"name as bool", "AddCustomer", `{"CustomerCode":"n","FirstName":false}`, "InvalidRequest", nil},
		{"lower-case keys", "AddCustomer", `{"customercode":"n","firstname":"Elif"}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.FirstName != "Elif" {
				t.Errorf("FirstName %q", d.DealerCustomer.FirstName)
			}
		}},
		{"unknown keys ignored", "AddCustomer", `{"CustomerCode":"n","MasterCode":"x","DealerId":5}`, "Success", nil},
		{"id as string", "GetCustomer", `{"DealerCustomerId":"1033"}`, "Success", nil},
		{"id empty string with code", "GetCustomer", `{"DealerCustomerId":"","CustomerCode":"ali"}`, "Success", nil},
		{"id 0 with code", "GetCustomer", `{"DealerCustomerId":0,"CustomerCode":"ali"}`, "Success", nil},
		{"id null with code", "GetCustomer", `{"DealerCustomerId":null,"CustomerCode":"ali"}`, "Success", nil},
		{"id with spaces", "GetCustomer", `{"DealerCustomerId":" 1033"}`, "InvalidRequest", nil},
		{"id float", "GetCustomer", `{"DealerCustomerId":1033.5}`, "InvalidRequest", nil},
		{"id exponent", "GetCustomer", `{"DealerCustomerId":1.033e3}`, "InvalidRequest", nil},
		{"id negative", "GetCustomer", `{"DealerCustomerId":-1}`, "DealerCustomerNotFound", nil},
		{"id array", "GetCustomer", `{"DealerCustomerId":[1033]}`, "InvalidRequest", nil},
		{"id all empty", "GetCustomer", `{"DealerCustomerId":"","CustomerCode":""}`, "CustomerCodeOrDealerCustomerIdMustBeGiven", nil},
		{"valid surrogate pair", "AddCustomer", `{"CustomerCode":"n","FirstName":"\ud83d\ude00 Elif"}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.FirstName != "😀 Elif" {
				t.Errorf("FirstName %q", d.DealerCustomer.FirstName)
			}
		}},
		{"escaped Turkish", "AddCustomer", `{"CustomerCode":"n","FirstName":"\u015e\u00fckr\u00fc"}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.FirstName != "Şükrü" {
				t.Errorf("FirstName %q", d.DealerCustomer.FirstName)
			}
		}},
		{"lone high surrogate", "AddCustomer", `{"CustomerCode":"n","FirstName":"a\ud800b"}`, "InvalidRequest", nil},
		{"lone low surrogate", "AddCustomer", `{"CustomerCode":"n","FirstName":"\udc00"}`, "InvalidRequest", nil},
		{"high surrogate at end", "AddCustomer", `{"CustomerCode":"n","FirstName":"\ud800"}`, "InvalidRequest", nil},
		{"escaped backslash before u", "AddCustomer", `{"CustomerCode":"n","FirstName":"\\ud800"}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.FirstName != `\ud800` {
				t.Errorf("FirstName %q", d.DealerCustomer.FirstName)
			}
		}},
		{"html characters", "AddCustomer", `{"CustomerCode":"<a&b>"}`, "Success", nil},
		{"duplicate key: last wins", "AddCustomer", `{"CustomerCode":"x","CustomerCode":"n"}`, "Success", func(t *testing.T, d cwc) {
			if d.DealerCustomer.CustomerCode != "n" {
				t.Errorf("CustomerCode %q", d.DealerCustomer.CustomerCode)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			setup(h)
			b := []byte(`{"DealerCustomerAuthentication":` + string(mustJSON(validAuth(Options{}))) + `,"DealerCustomerRequest":` + tc.req + `}`)
			a := h.raw(tc.op, b)
			want := tc.want
			if want != "Success" {
				want = codePrefix(tc.op) + "." + want
			}
			if a.ResultCode != want {
				t.Fatalf("%s (%q), want %s", a.ResultCode, a.ResultMessage, want)
			}
			if tc.verify != nil {
				tc.verify(t, decode[cwc](t, a))
			}
		})
	}
}

func TestAnswerEncoding(t *testing.T) {
	h := newHarness(t, Options{})
	a := h.call("AddCustomer", map[string]any{"CustomerCode": "<a&b>", "FirstName": "Ğ"})
	if !strings.Contains(string(a.Raw), `"CustomerCode":"<a&b>"`) || !strings.Contains(string(a.Raw), `"FirstName":"Ğ"`) {
		t.Errorf("HTML or non-ASCII escaped: %s", a.Raw)
	}
	if strings.HasSuffix(string(a.Raw), "\n") {
		t.Errorf("trailing newline")
	}
}

func TestHTTPRouting(t *testing.T) {
	h := newHarness(t, Options{})
	b := body(map[string]any{"CustomerCode": "x"})
	cases := []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"POST", "/DealerCustomer/GetCustomerList", 200, "application/json; charset=utf-8"},
		{"POST", "/dealercustomer/getcustomerlist", 200, "application/json; charset=utf-8"},
		{"POST", "/DealerCustomer/GetCustomerList/", 200, "application/json; charset=utf-8"},
		{"POST", "/DealerCustomer/GetCustomerList?x=1", 200, "application/json; charset=utf-8"},
		{"POST", "/DealerCustomer/DeleteEverything", 404, ""},
		{"POST", "/DealerCustomer/", 404, ""},
		{"POST", "/DealerCustomer", 404, ""},
		{"POST", "/PaymentDealer/DoDirectPayment", 404, ""},
		{"POST", "/", 404, ""},
		{"GET", "/DealerCustomer/GetCustomerList", 405, ""},
		{"PUT", "/DealerCustomer/AddCustomer", 405, ""},
		{"GET", "/DealerCustomer/Nope", 404, ""},
		{"GET", "/sandbox/stats", 200, "application/json; charset=utf-8"},
		{"GET", "/sandbox/state", 200, "application/json; charset=utf-8"},
		{"POST", "/sandbox/stats", 405, ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, h.url+tc.path, strings.NewReader(string(b)))
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, resp.Header.Get("Content-Type"))
		}
		if tc.status == 405 && resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: no Allow header", tc.method, tc.path)
		}
	}
	// Only the four POSTs to a known operation count as calls.
	if st := h.s.Stats(); st.Calls["GetCustomerList"] != 4 || len(st.Calls) != 1 {
		t.Errorf("calls %v", st.Calls)
	}
}

func TestStatsAndState(t *testing.T) {
	h := newHarness(t, Options{})
	if h.s.URL() != h.url {
		t.Errorf("URL() = %q, Start returned %q", h.s.URL(), h.url)
	}
	if _, err := h.s.Start("127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded")
	}
	w := setup(h)
	h.call("GetCustomer", map[string]any{"CustomerCode": "yok"})
	resp, err := h.client.Get(h.url + "/sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := map[string]int{"AddCustomer": 2, "AddCard": 3, "GetCustomer": 1}
	if fmt.Sprint(st.Calls) != fmt.Sprint(want) || st.Connections < 1 {
		t.Errorf("stats %+v, want calls %v", st, want)
	}
	resp, err = h.client.Get(h.url + "/sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Customers []Customer `json:"customers"`
		Cards     []Card     `json:"cards"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(state.Customers) != 2 || state.Customers[0] != w.ali || len(state.Cards) != 3 {
		t.Errorf("state %+v", state)
	}
	// Stats is a copy.
	st = h.s.Stats()
	st.Calls["AddCustomer"] = 100
	if h.s.Stats().Calls["AddCustomer"] != 2 {
		t.Error("Stats shares its map")
	}
}

func TestUnits(t *testing.T) {
	t.Run("checkKey", func(t *testing.T) {
		// sha256("SANDBOXMKsandboxPDsandbox")
		if got := checkKeyFor("SANDBOX", "sandbox", "sandbox"); len(got) != 64 || strings.ToLower(got) != got {
			t.Errorf("checkKeyFor = %q", got)
		}
		if checkKeyFor("a", "b", "c") == checkKeyFor("a", "bc", "") {
			t.Error("fields are not separated")
		}
	})
	t.Run("normalizeToken", func(t *testing.T) {
		want := "51937236-82e0-4637-a8f5-2e1ec56ec870"
		for _, in := range []string{want, "{51937236-82E0-4637-A8F5-2E1EC56EC870}", "(51937236-82e0-4637-a8f5-2e1ec56ec870)", "5193723682e04637a8f52e1ec56ec870", " 51937236-82e0-4637-a8f5-2e1ec56ec870 "} {
			if got, ok := normalizeToken(in); !ok || got != want {
				t.Errorf("normalizeToken(%q) = %q, %v", in, got, ok)
			}
		}
		for _, in := range []string{"", "{}", "{51937236-82e0-4637-a8f5-2e1ec56ec870", "51937236-82e0-4637-a8f5-2e1ec56ec87g", "51937236-82e0-4637-a8f5-2e1ec56ec8700", "51937236_82e0_4637_a8f5_2e1ec56ec870", "x51937236-82e0-4637-a8f5-2e1ec56ec870"} {
			if got, ok := normalizeToken(in); ok {
				t.Errorf("normalizeToken(%q) = %q, want failure", in, got)
			}
		}
	})
	t.Run("newToken", func(t *testing.T) {
		seen := map[string]bool{}
		for i := 0; i < 1000; i++ {
			tok := newToken()
			if !guidRE.MatchString(tok) || seen[tok] {
				t.Fatalf("token %q", tok)
			}
			seen[tok] = true
		}
	})
	t.Run("luhn", func(t *testing.T) {
		for _, n := range []string{akbankCard, troyCard, otherCard, "4715091122223339", "5269111122223332", "5269551122223339", "4155141122223339", "5406681122223338", "4183441122223339", "4462121122223339", "5136621122223331"} {
			if !luhnValid(n) {
				t.Errorf("moka test card %s fails Luhn", n)
			}
		}
		if luhnValid("5127541122223333") {
			t.Error("bad number passes")
		}
	})
	t.Run("expired", func(t *testing.T) {
		now := time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			m, y int
			want bool
		}{{6, 2026, false}, {5, 2026, true}, {1, 2027, false}, {12, 2025, true}} {
			if got := expired(c.m, c.y, now); got != c.want {
				t.Errorf("expired(%d, %d) = %v", c.m, c.y, got)
			}
		}
	})
}

func TestPeakCallsPerSecond(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	for _, tc := range []struct {
		name     string
		arrivals []time.Time
		want     int
	}{
		{"none", nil, 0},
		{"one", []time.Time{ms(0)}, 1},
		{"exactly one second apart are in different windows", []time.Time{ms(0), ms(1000), ms(2000)}, 1},
		{"five within a second", []time.Time{ms(0), ms(100), ms(200), ms(300), ms(999)}, 5},
		{"ten a second, evenly spaced", []time.Time{ms(0), ms(100), ms(200), ms(300), ms(400), ms(500), ms(600), ms(700), ms(800), ms(900), ms(1000), ms(1100)}, 10},
		{"a burst after a quiet spell", []time.Time{ms(0), ms(5000), ms(5001), ms(5002), ms(7000)}, 3},
		{"the window slides past the first of a pair", []time.Time{ms(0), ms(900), ms(1500), ms(1600)}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{}
			for _, at := range tc.arrivals {
				s.countArrival(at)
			}
			if s.peak != tc.want {
				t.Errorf("peak %d, want %d", s.peak, tc.want)
			}
		})
	}
}
