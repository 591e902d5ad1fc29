package sandbox

import (
	"strings"
)

// opFunc runs one operation on st (under s.mu) and reports whether it
// changed st; it must not change st when it fails.
type opFunc func(s *Server, st *state, q *dcRequest) (result, bool)

var operations = map[string]opFunc{
	"AddCustomer":         (*Server).opAddCustomer,
	"AddCustomerWithCard": (*Server).opAddCustomerWithCard,
	"UpdateCustomer":      (*Server).opUpdateCustomer,
	"GetCustomer":         (*Server).opGetCustomer,
	"GetCustomerList":     (*Server).opGetCustomerList,
	"RemoveCustomer":      (*Server).opRemoveCustomer,
	"AddCard":             (*Server).opAddCard,
	"UpdateCard":          (*Server).opUpdateCard,
	"GetCard":             (*Server).opGetCard,
	"GetCardList":         (*Server).opGetCardList,
	"RemoveCard":          (*Server).opRemoveCard,
}

// readOperations change nothing, so they skip the write bookkeeping.
var readOperations = map[string]bool{
	"GetCustomer": true, "GetCustomerList": true, "GetCard": true, "GetCardList": true,
}

func (s *Server) handle(op string, body []byte) result {
	q, bad := s.parse(op, body)
	if bad != nil {
		return *bad
	}
	fn := operations[op]
	if readOperations[op] {
		s.mu.Lock()
		defer s.mu.Unlock()
		res, _ := fn(s, s.st, q)
		return res
	}
	var res result
	err := s.write(func(st *state) bool {
		var changed bool
		res, changed = fn(s, st, q)
		return changed
	})
	if err != nil {
		s.logf("sandbox: could not save state: %v", err)
		return result{reason: codeEX, msg: "sandbox could not save its state: " + err.Error()}
	}
	return res
}

// opByFold: IIS routes match case-insensitively.
var opByFold = func() map[string]string {
	m := make(map[string]string, len(operations))
	for name := range operations {
		m[strings.ToLower(name)] = name
	}
	return m
}()

// resolve finds the customer a request addresses (see the package doc).
func resolve(st *state, q *dcRequest) (Customer, *result) {
	idGiven, code := q.DealerCustomerId.Given(), q.CustomerCode.V
	codeGiven := code != ""
	if !idGiven && !codeGiven {
		r := fail(reasonCodeOrIDMustBeGiven)
		return Customer{}, &r
	}
	var byID, byCode Customer
	var okID, okCode bool
	if idGiven {
		byID, okID = st.customers[q.DealerCustomerId.V]
	}
	if codeGiven {
		byCode, okCode = st.byCode(code)
	}
	switch {
	case idGiven && codeGiven:
		if okID && okCode && byID.DealerCustomerID == byCode.DealerCustomerID {
			return byID, nil
		}
		if !okID && !okCode {
			r := fail(reasonDealerCustomerMissing)
			return Customer{}, &r
		}
		r := fail(reasonCodeDoesntMatchID)
		return Customer{}, &r
	case idGiven && okID:
		return byID, nil
	case codeGiven && okCode:
		return byCode, nil
	}
	r := fail(reasonDealerCustomerMissing)
	return Customer{}, &r
}

func (s *Server) codeTaken(st *state, code string) bool {
	if _, ok := st.byCode(code); ok {
		return true
	}
	return s.opts.ForbidCodeReuse && st.codeRemoved(code)
}

func (s *Server) newCustomer(q *dcRequest) Customer {
	return Customer{
		CustomerCode: q.CustomerCode.V,
		Password:     q.Password.V,
		FirstName:    s.stored("FirstName", q.FirstName.V),
		LastName:     s.stored("LastName", q.LastName.V),
		Gender:       int(q.Gender.V),
		BirthDate:    q.BirthDate.V,
		GsmNumber:    q.GsmNumber.V,
		Email:        q.Email.V,
		Address:      s.stored("Address", q.Address.V),
	}
}

const truncatedLength = 40

// stored is how a request's text field is kept under TruncateText and
// UpperCaseText.
func (s *Server) stored(field, v string) string {
	switch field {
	case "FirstName", "LastName", "Address", "CardName":
		if r := []rune(v); s.opts.TruncateText && len(r) > truncatedLength {
			v = string(r[:truncatedLength])
		}
	case "CardHolderFullName":
	default:
		return v
	}
	if s.opts.UpperCaseText {
		v = strings.ToUpper(v)
	}
	return v
}

func (s *Server) opAddCustomer(st *state, q *dcRequest) (result, bool) {
	if r := checkCustomer(q, true); r != nil {
		return *r, false
	}
	if r := checkEmail(q); r != nil {
		return *r, false
	}
	if s.codeTaken(st, q.CustomerCode.V) {
		return fail(reasonCodeAlreadyUsing), false
	}
	c := st.addCustomer(s.newCustomer(q))
	return ok(s.withCards(c, nil)), true
}

func (s *Server) opAddCustomerWithCard(st *state, q *dcRequest) (result, bool) {
	if r := checkCustomer(q, true); r != nil {
		return *r, false
	}
	in, r := s.checkCard(q.CardHolderFullName, q.CardNumber, q.ExpMonth, q.ExpYear, q.CardName)
	if r != nil {
		return *r, false
	}
	if r := checkEmail(q); r != nil {
		return *r, false
	}
	if s.codeTaken(st, q.CustomerCode.V) {
		return fail(reasonCodeAlreadyUsing), false
	}
	c := st.addCustomer(s.newCustomer(q))
	card := st.addCard(in.card(c.DealerCustomerID))
	return ok(s.withCards(c, []Card{card})), true
}

func (s *Server) opUpdateCustomer(st *state, q *dcRequest) (result, bool) {
	if r := checkCustomer(q, false); r != nil {
		return *r, false
	}
	if r := checkEmail(q); r != nil {
		return *r, false
	}
	c, r := resolve(st, q)
	if r != nil {
		return *r, false
	}
	// Moka's treatment of a missing, null or "" field is unknown; the
	// switches play the other answers.
	change := func(present, null, empty bool) bool {
		switch {
		case present:
			return !(empty && s.opts.UpdateKeepsEmpty)
		case null:
			return s.opts.UpdateClearsNull || s.opts.UpdateClearsOmitted
		}
		return s.opts.UpdateClearsOmitted
	}
	set := func(dst *string, name string, f lenientString) {
		if change(f.Present, f.Null, f.V == "") {
			*dst = s.stored(name, f.V)
		}
	}
	set(&c.Password, "Password", q.Password)
	set(&c.FirstName, "FirstName", q.FirstName)
	set(&c.LastName, "LastName", q.LastName)
	set(&c.BirthDate, "BirthDate", q.BirthDate)
	set(&c.GsmNumber, "GsmNumber", q.GsmNumber)
	set(&c.Email, "Email", q.Email)
	set(&c.Address, "Address", q.Address)
	if change(q.Gender.Present, q.Gender.Null, q.Gender.V == 0) {
		c.Gender = int(q.Gender.V)
	}
	st.putCustomer(c)
	return ok(s.withCards(c, st.cardsOf(c.DealerCustomerID))), true
}

func (s *Server) opGetCustomer(st *state, q *dcRequest) (result, bool) {
	if r := checkID(q); r != nil {
		return *r, false
	}
	c, r := resolve(st, q)
	if r != nil {
		return *r, false
	}
	return ok(s.withCards(c, st.cardsOf(c.DealerCustomerID))), false
}

func (s *Server) opGetCardList(st *state, q *dcRequest) (result, bool) {
	if r := checkID(q); r != nil {
		return *r, false
	}
	c, r := resolve(st, q)
	if r != nil {
		return *r, false
	}
	out := s.withCards(c, st.cardsOf(c.DealerCustomerID))
	if s.opts.ListsOmitFields {
		for i := range out.CardList {
			out.CardList[i] = out.CardList[i].without("CardName")
		}
	}
	return ok(out), false
}

func (s *Server) opGetCustomerList(st *state, _ *dcRequest) (result, bool) {
	out := s.customerList(st.sortedCustomers())
	if s.opts.ListsOmitFields {
		for i := range out.DealerCustomerList {
			out.DealerCustomerList[i] = out.DealerCustomerList[i].without("Address")
		}
	}
	return ok(out), false
}

func (s *Server) opRemoveCustomer(st *state, q *dcRequest) (result, bool) {
	if r := checkID(q); r != nil {
		return *r, false
	}
	c, r := resolve(st, q)
	if r != nil {
		return *r, false
	}
	st.removeCustomer(c.DealerCustomerID, s.opts.KeepCardsOnRemoveCustomer)
	return ok(struct{}{}), true
}

func (s *Server) opAddCard(st *state, q *dcRequest) (result, bool) {
	if r := checkID(q); r != nil {
		return *r, false
	}
	in, r := s.checkCard(q.CardHolderFullName, q.CardNumber, q.ExpMonth, q.ExpYear, q.CardName)
	if r != nil {
		return *r, false
	}
	c, r := resolve(st, q)
	if r != nil {
		return *r, false
	}
	if s.opts.DuplicateCardRefused && hasSameCard(st.cardsOf(c.DealerCustomerID), in) {
		return invalid("the customer has this card stored already"), false
	}
	card := st.addCard(in.card(c.DealerCustomerID))
	answered := []Card{card}
	if s.opts.AddCardAnswersAllCards {
		answered = st.cardsOf(c.DealerCustomerID)
	}
	return ok(s.withCards(c, answered)), true
}

// hasSameCard: the sandbox keeps no full number, so "same" is the same
// first six, last four and expiry.
func hasSameCard(cards []Card, in cardInput) bool {
	for _, c := range cards {
		if c.CardNumberFirstSix == in.number[:6] && c.CardNumberLastFour == in.number[len(in.number)-4:] &&
			c.ExpMonth == in.month && c.ExpYear == in.year {
			return true
		}
	}
	return false
}

func findCard(st *state, q *dcRequest) (cardRec, *result) {
	if q.CardToken.Err != "" {
		r := invalid("CardToken %s", q.CardToken.Err)
		return cardRec{}, &r
	}
	if strings.TrimSpace(q.CardToken.V) == "" {
		r := fail(reasonCardTokenIsRequired)
		return cardRec{}, &r
	}
	tok, valid := normalizeToken(q.CardToken.V)
	if !valid {
		r := fail(reasonCardNotFound)
		return cardRec{}, &r
	}
	card, found := st.cards[tok]
	if !found {
		r := fail(reasonCardNotFound)
		return cardRec{}, &r
	}
	return card, nil
}

func (s *Server) opUpdateCard(st *state, q *dcRequest) (result, bool) {
	if r := checkText("CardName", q.CardName, maxCardName); r != nil {
		return *r, false
	}
	if s.opts.UpdateCardRefusesEmptyName && strings.TrimSpace(q.CardName.V) == "" {
		return invalid("CardName is required"), false
	}
	card, r := findCard(st, q)
	if r != nil {
		return *r, false
	}
	// Only the name can change.
	card.CardName = s.stored("CardName", q.CardName.V)
	st.putCard(card)
	return ok(s.withCards(st.owner(card.DealerCustomerID), []Card{card.Card})), true
}

func (s *Server) opGetCard(st *state, q *dcRequest) (result, bool) {
	card, r := findCard(st, q)
	if r != nil {
		return *r, false
	}
	return ok(s.withCards(st.owner(card.DealerCustomerID), []Card{card.Card})), false
}

func (s *Server) opRemoveCard(st *state, q *dcRequest) (result, bool) {
	card, r := findCard(st, q)
	if r != nil {
		return *r, false
	}
	st.deleteCard(card.CardToken)
	return ok(true), true
}
