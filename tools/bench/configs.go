package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The configurations. Customers have no PIN: the common account, whose
// GetCustomerList carries no password, and the measurements.
// Every phase changes var.rev or not: update changes each resource once.

const mokaHCL = `
terraform {
  required_providers {
    moka = { source = "terraform-moka/moka" }
  }
}
variable "rev" { type = string }
resource "moka_dealer_customer" "c" {
  count         = %d
  customer_code = format("BENCH-%%05d", count.index)
  first_name    = "Ayşe"
  last_name     = "Yılmaz ${var.rev}"
  gender        = "female"
  birth_date    = "1990-12-18"
  gsm_number    = format("53011%%05d", count.index)
  email         = format("ayse.%%d@example.com", count.index)
  address       = "Taşdelen Mah. Çekmeköy, İstanbul"
}
`

// cardsHCL adds cards to mokaHCL: %[1]d cards, card i held by customer
// i / %[2]d, their numbers in local.numbers. An update changes the
// customers only.
const cardsHCL = `
locals {
  numbers = [%[3]s]
}
resource "moka_card" "k" {
  count                  = %[1]d
  customer_code          = moka_dealer_customer.c[floor(count.index / %[2]d)].customer_code
  card_holder_full_name  = "Ayşe Yılmaz"
  card_number_wo         = local.numbers[count.index]
  card_number_wo_version = 1
  exp_month              = "12"
  exp_year               = "2030"
  card_name              = format("Kart %%d", count.index)
}
`

const timeHCL = `
terraform {
  required_providers {
    time = { source = "hashicorp/time" }
  }
}
variable "rev" { type = string }
resource "time_static" "t" {
  count    = %d
  triggers = { rev = var.rev }
}
`

const dataHCL = `
variable "rev" { type = string }
resource "terraform_data" "d" {
  count = %d
  input = var.rev
}
`

// The schema floor's provider (./floor) and its resource type.
const (
	floorType   = "mokafloor"
	floorSource = "terraform-moka/" + floorType
)

// floorConfig is mokaConfig(n) for the schema floor: the same customers, of
// the floor's resource type.
func floorConfig(n int) string {
	return strings.NewReplacer(
		testsupport.ProviderSource, floorSource,
		"moka = {", floorType+" = {",
		`resource "moka_dealer_customer"`, `resource "`+floorType+`_dealer_customer"`,
	).Replace(mokaConfig(n, 0, 0))
}

// cardCount is the card variant's number of cards for n customers: two
// thirds, as in "300 customers with 200 cards".
func cardCount(n int) int { return n * 2 / 3 }

// mokaConfig is the configuration of n customers and cards cards, perCust
// to a customer (cards <= n*perCust).
func mokaConfig(n, cards, perCust int) string {
	hcl := fmt.Sprintf(mokaHCL, n)
	if cards == 0 {
		return hcl
	}
	numbers := make([]string, cards)
	for i := range numbers {
		numbers[i] = strconv.Quote(testsupport.CardNumber("512754", i, 16))
	}
	return hcl + fmt.Sprintf(cardsHCL, cards, perCust, strings.Join(numbers, ", "))
}
