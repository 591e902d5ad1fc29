package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// customerWithCard is the Data of most calls.
type customerWithCard struct {
	DealerCustomer jsonObject   `json:"DealerCustomer"`
	CardListCount  int          `json:"CardListCount"`
	CardList       []jsonObject `json:"CardList"`
}

type customerList struct {
	DealerCustomerListCount int          `json:"DealerCustomerListCount"`
	DealerCustomerList      []jsonObject `json:"DealerCustomerList"`
}

// Invented ExtraFields values: nothing documents real ones.
const sandboxDealerID = 1

const sandboxMaxInstallments = 12

func (s *Server) withCards(c Customer, cards []Card) customerWithCard {
	out := customerWithCard{DealerCustomer: s.customerView(c), CardListCount: len(cards), CardList: make([]jsonObject, len(cards))}
	for i, k := range cards {
		out.CardList[i] = s.cardView(k)
	}
	return out
}

func (s *Server) customerList(list []Customer) customerList {
	out := customerList{DealerCustomerListCount: len(list), DealerCustomerList: make([]jsonObject, len(list))}
	for i, c := range list {
		out.DealerCustomerList[i] = s.customerView(c)
	}
	return out
}

func (s *Server) customerView(c Customer) jsonObject {
	o := jsonObject{
		{"DealerCustomerId", c.DealerCustomerID},
		{"CustomerCode", s.text(c.CustomerCode)},
		{"Password", s.text(c.Password)},
		{"FirstName", s.text(c.FirstName)},
		{"LastName", s.text(c.LastName)},
		{"Gender", s.number(c.Gender)},
		{"BirthDate", s.text(s.birthDate(c.BirthDate))},
		{"GsmNumber", s.text(c.GsmNumber)},
		{"Email", s.text(c.Email)},
		{"Address", s.text(c.Address)},
	}
	if s.opts.ExtraFields {
		o = append(o, jsonField{"MasterCode", s.text("")}, jsonField{"DealerId", sandboxDealerID})
	}
	return o
}

func (s *Server) cardView(k Card) jsonObject {
	o := jsonObject{
		{"CardToken", k.CardToken},
		{"CardName", s.text(k.CardName)},
		{"BankName", s.text(k.BankName)},
		{"CardNumberFirstSix", s.text(k.CardNumberFirstSix)},
		{"CardNumberLastFour", s.text(k.CardNumberLastFour)},
		{"CardHolderFullName", s.text(k.CardHolderFullName)},
		{"ExpMonth", s.text(k.ExpMonth)},
		{"ExpYear", s.text(k.ExpYear)},
	}
	if s.opts.ExtraFields {
		o = append(o,
			jsonField{"CardType", s.text(cardType(k.CardNumberFirstSix))},
			jsonField{"CreditType", s.text("CreditCard")},
			jsonField{"ProductCategory", s.text("")},
			jsonField{"MaxInstallmentNumber", sandboxMaxInstallments},
			jsonField{"CardCode", s.text("")},
		)
	}
	return o
}

// birthDate: "/Date(ms)/" is the date's midnight UTC. A value that is not
// YYYYMMDD (only fixtures can store one) is shown as it is.
func (s *Server) birthDate(v string) string {
	if v == "" || (!s.opts.BirthDateDotNet && !s.opts.BirthDateDotted) {
		return v
	}
	t, err := time.Parse("20060102", v)
	if err != nil {
		return v
	}
	if s.opts.BirthDateDotNet {
		return fmt.Sprintf("/Date(%d)/", t.UnixMilli())
	}
	return t.Format("02.01.2006")
}

func (o jsonObject) without(name string) jsonObject {
	out := make(jsonObject, 0, len(o))
	for _, f := range o {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) text(v string) any {
	if v == "" && s.opts.UnsetAsNull {
		return nil
	}
	return v
}

func (s *Server) number(v int) any {
	if v == 0 && s.opts.UnsetAsNull {
		return nil
	}
	return v
}

// cardType is the card scheme by the BIN's first digit, for ExtraFields.
func cardType(bin string) string {
	if bin == "" {
		return ""
	}
	switch bin[0] {
	case '4':
		return "Visa"
	case '2', '5':
		return "MasterCard"
	case '9':
		return "Troy"
	case '3':
		return "Amex"
	}
	return ""
}

type jsonField struct {
	name  string
	value any
}

// jsonObject keeps its members in the seeds' order (a Go map would sort them).
type jsonObject []jsonField

func (o jsonObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, err := json.Marshal(f.name)
		if err != nil {
			return nil, err
		}
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(marshalJSON(f.value))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
