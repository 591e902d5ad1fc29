package sandbox

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Fixtures (see the package documentation). Changes are persisted like API
// writes, so a sandbox with a DataFile can be set up this way too.

// Customers returns a copy of the customers, sorted by DealerCustomerId.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.st.sortedCustomers()
	if out == nil {
		out = []Customer{}
	}
	return out
}

// Cards returns a copy of the cards, sorted by token.
func (s *Server) Cards() []Card {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.sortedCards()
}

// PutCustomer inserts c (DealerCustomerID 0: the next id) or replaces the
// customer with its id, checked as the API checks, save the e-mail's format.
func (s *Server) PutCustomer(c Customer) (Customer, error) {
	if c.DealerCustomerID < 0 {
		return Customer{}, fmt.Errorf("sandbox: negative DealerCustomerId %d", c.DealerCustomerID)
	}
	if err := checkCustomerValues(c); err != nil {
		return Customer{}, err
	}
	var out Customer
	var failed error
	err := s.write(func(st *state) bool {
		if other, ok := st.byCode(c.CustomerCode); ok && other.DealerCustomerID != c.DealerCustomerID {
			failed = fmt.Errorf("sandbox: CustomerCode %q is used by DealerCustomerId %d", c.CustomerCode, other.DealerCustomerID)
			return false
		}
		if c.DealerCustomerID == 0 {
			out = st.addCustomer(c)
		} else {
			st.putCustomer(c)
			out = c
		}
		return true
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return Customer{}, err
	}
	return out, nil
}

func checkCustomerValues(c Customer) error {
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{
		{"CustomerCode", c.CustomerCode, maxCustomerCode},
		{"Password", c.Password, maxPassword},
		{"FirstName", c.FirstName, maxFirstName},
		{"LastName", c.LastName, maxLastName},
		{"GsmNumber", c.GsmNumber, maxGsmNumber},
		{"Email", c.Email, maxEmail},
		{"Address", c.Address, maxAddress},
	} {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("sandbox: %s is not valid UTF-8", f.name)
		}
		if utf8.RuneCountInString(f.v) > f.max {
			return fmt.Errorf("sandbox: %s max %d characters", f.name, f.max)
		}
	}
	if c.CustomerCode == "" {
		return errors.New("sandbox: CustomerCode is required")
	}
	if c.Gender < 0 || c.Gender > 2 {
		return fmt.Errorf("sandbox: Gender %d is not 0, 1 or 2", c.Gender)
	}
	if c.BirthDate != "" && !validBirthDate(c.BirthDate) {
		return fmt.Errorf("sandbox: BirthDate %q is not YYYYMMDD", c.BirthDate)
	}
	return nil
}

// DeleteCustomer removes a customer as RemoveCustomer would, if it exists.
func (s *Server) DeleteCustomer(id int64) bool {
	found := false
	err := s.write(func(st *state) bool {
		if _, found = st.customers[id]; found {
			st.removeCustomer(id, s.opts.KeepCardsOnRemoveCustomer)
		}
		return found
	})
	return found && err == nil
}

// AddCardDirect stores a card as AddCard would, checks included, without a call.
func (s *Server) AddCardDirect(customerID int64, holder, number, expMonth, expYear, name string) (Card, error) {
	if utf8.RuneCountInString(holder) > maxCardHolderFullName || !utf8.ValidString(holder) {
		return Card{}, fmt.Errorf("sandbox: CardHolderFullName max %d characters of UTF-8", maxCardHolderFullName)
	}
	if utf8.RuneCountInString(name) > maxCardName || !utf8.ValidString(name) {
		return Card{}, fmt.Errorf("sandbox: CardName max %d characters of UTF-8", maxCardName)
	}
	in := cardInput{holder: holder, number: number, month: expMonth, year: expYear, name: name}
	if r := s.checkCardValues(in); r != nil {
		return Card{}, errors.New("sandbox: " + r.msg)
	}
	return s.insertCard(customerID, in.card(customerID))
}

// AddCardWithToken stores c unchecked with its own token, for tests that
// replay samples such as the UpdateCard seed; an empty BankName is derived.
func (s *Server) AddCardWithToken(c Card) (Card, error) {
	tok, ok := normalizeToken(c.CardToken)
	if !ok {
		return Card{}, fmt.Errorf("sandbox: card token %q is not a GUID", c.CardToken)
	}
	c.CardToken = tok
	if c.BankName == "" {
		c.BankName = bankName(c.CardNumberFirstSix)
	}
	return s.insertCard(c.DealerCustomerID, c)
}

func (s *Server) insertCard(customerID int64, c Card) (Card, error) {
	var failed error
	err := s.write(func(st *state) bool {
		if _, ok := st.customers[customerID]; !ok {
			failed = fmt.Errorf("sandbox: no customer with DealerCustomerId %d", customerID)
			return false
		}
		if _, dup := st.cards[c.CardToken]; dup {
			failed = fmt.Errorf("sandbox: card token %s exists", c.CardToken)
			return false
		}
		st.addCard(c)
		return true
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return Card{}, err
	}
	return c, nil
}

// RenameCard sets a card's name and reports whether it was saved.
func (s *Server) RenameCard(token, name string) bool {
	tok, ok := normalizeToken(token)
	if !ok {
		return false
	}
	found := false
	err := s.write(func(st *state) bool {
		var c cardRec
		if c, found = st.cards[tok]; found {
			c.CardName = name
			st.putCard(c)
		}
		return found
	})
	return found && err == nil
}

// DeleteCard removes a card and reports whether it existed and was saved.
func (s *Server) DeleteCard(token string) bool {
	tok, ok := normalizeToken(token)
	if !ok {
		return false
	}
	found := false
	err := s.write(func(st *state) bool {
		if _, found = st.cards[tok]; found {
			st.deleteCard(tok)
		}
		return found
	})
	return found && err == nil
}
