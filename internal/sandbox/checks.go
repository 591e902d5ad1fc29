package sandbox

import (
	"time"
	"unicode/utf8"
)

// Limits in characters, from MOKA-API.md.
const (
	maxCustomerCode       = 100
	maxPassword           = 50
	maxFirstName          = 50
	maxLastName           = 50
	maxGsmNumber          = 20
	maxEmail              = 100
	maxAddress            = 200
	maxCardHolderFullName = 100
	maxCardName           = 50
)

func checkText(name string, f lenientString, maxChars int) *result {
	if f.Err != "" {
		r := invalid("%s %s", name, f.Err)
		return &r
	}
	if n := utf8.RuneCountInString(f.V); n > maxChars {
		r := invalid("%s max %d characters", name, maxChars)
		return &r
	}
	return nil
}

func checkID(q *dcRequest) *result {
	if q.DealerCustomerId.Err != "" {
		r := invalid("DealerCustomerId %s", q.DealerCustomerId.Err)
		return &r
	}
	return checkText("CustomerCode", q.CustomerCode, maxCustomerCode)
}

func checkCustomer(q *dcRequest, requireCode bool) *result {
	if r := checkID(q); r != nil {
		return r
	}
	if requireCode && q.CustomerCode.V == "" {
		r := invalid("CustomerCode is required")
		return &r
	}
	for _, f := range []struct {
		name string
		v    lenientString
		max  int
	}{
		{"Password", q.Password, maxPassword},
		{"FirstName", q.FirstName, maxFirstName},
		{"LastName", q.LastName, maxLastName},
		{"BirthDate", q.BirthDate, 8},
		{"GsmNumber", q.GsmNumber, maxGsmNumber},
		{"Email", q.Email, maxEmail},
		{"Address", q.Address, maxAddress},
	} {
		if r := checkText(f.name, f.v, f.max); r != nil {
			return r
		}
	}
	if g := q.Gender; g.Err != "" || g.V < 0 || g.V > 2 {
		r := invalid("Gender must be 1 (male) or 2 (female)")
		return &r
	}
	if q.BirthDate.V != "" && !validBirthDate(q.BirthDate.V) {
		r := invalid("BirthDate must be empty or a date as YYYYMMDD")
		return &r
	}
	return nil
}

// checkEmail comes after every InvalidRequest check of the operation.
func checkEmail(q *dcRequest) *result {
	if q.Email.V != "" && !emailFormatOK(q.Email.V) {
		r := fail(reasonInvalidEmailFormat)
		return &r
	}
	return nil
}

func validBirthDate(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	t, err := time.Parse("20060102", s)
	return err == nil && t.Year() >= 1
}

// cardInput is a validated new card.
type cardInput struct {
	holder, number, month, year, name string
}

func (s *Server) checkCard(holder, number, month, year, name lenientString) (cardInput, *result) {
	if r := checkText("CardHolderFullName", holder, maxCardHolderFullName); r != nil {
		return cardInput{}, r
	}
	if r := checkText("CardName", name, maxCardName); r != nil {
		return cardInput{}, r
	}
	for _, f := range []struct {
		name string
		v    lenientString
	}{{"CardNumber", number}, {"ExpMonth", month}, {"ExpYear", year}} {
		if f.v.Err != "" {
			r := invalid("%s %s", f.name, f.v.Err)
			return cardInput{}, &r
		}
		if f.v.V == "" {
			r := invalid("%s is required", f.name)
			return cardInput{}, &r
		}
	}
	in := cardInput{holder: s.stored("CardHolderFullName", holder.V), number: number.V, month: month.V, year: year.V, name: s.stored("CardName", name.V)}
	if r := s.checkCardValues(in); r != nil {
		return cardInput{}, r
	}
	return in, nil
}

func (s *Server) checkCardValues(in cardInput) *result {
	if !allDigits(in.number) || len(in.number) < 12 || len(in.number) > 19 {
		r := invalid("CardNumber must be 12 to 19 digits")
		return &r
	}
	if !s.opts.SkipLuhnCheck && !luhnValid(in.number) {
		r := invalid("CardNumber fails the Luhn check")
		return &r
	}
	if len(in.month) != 2 || !allDigits(in.month) || in.month < "01" || in.month > "12" {
		r := invalid("ExpMonth must be MM, 01 to 12")
		return &r
	}
	if len(in.year) != 4 || !allDigits(in.year) {
		r := invalid("ExpYear must be YYYY")
		return &r
	}
	if !s.opts.SkipExpiryCheck {
		m := int(in.month[0]-'0')*10 + int(in.month[1]-'0')
		y := 0
		for i := 0; i < 4; i++ {
			y = y*10 + int(in.year[i]-'0')
		}
		if expired(m, y, s.now()) {
			r := invalid("card expired %s/%s", in.month, in.year)
			return &r
		}
	}
	return nil
}

func (in cardInput) card(customerID int64) Card {
	return Card{
		CardToken:          newToken(),
		DealerCustomerID:   customerID,
		CardName:           in.name,
		BankName:           bankName(in.number[:6]),
		CardNumberFirstSix: in.number[:6],
		CardNumberLastFour: in.number[len(in.number)-4:],
		CardHolderFullName: in.holder,
		ExpMonth:           in.month,
		ExpYear:            in.year,
	}
}
