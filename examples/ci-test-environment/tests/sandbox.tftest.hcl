# terraform test: provisions the test environment, checks what Moka (here the
# sandbox) holds, renames a card in place, and refuses a card for an unknown
# customer. terraform test destroys everything at the end.
#
# The customers below are keyed by code without a prefix: every code in Moka
# gets var.code_prefix, which this file leaves to TF_VAR_code_prefix (a value
# in this file's variables block would win over -var, so it sets none).
# Pipelines that run this test side by side on one account each set their own.
variables {
  customers = {
    "CI-ELIF" = {
      first_name = "Elif"
      last_name  = "Yetimoğlu"
      gender     = "female"
      birth_date = "1990-12-18"
      gsm_number = "5301111111"
      email      = "elif.y@example.com"
    }
    "CI-MEHMET" = {
      first_name = "Mehmet"
      last_name  = "Öztürk"
      gender     = "male"
      email      = "mehmet.ozturk@example.com"
      address    = "Kızılay Mah. Atatürk Blv. No:5, Çankaya, Ankara"
    }
  }
  cards = {
    elif_bonus = {
      customer_code = "CI-ELIF"
      holder        = "Elif Yetimoğlu"
      exp_month     = "12"
      exp_year      = "2030"
      name          = "Bonus kartım"
    }
    elif_troy = {
      customer_code = "CI-ELIF"
      holder        = "Elif Yetimoğlu"
      exp_month     = "12"
      exp_year      = "2030"
      name          = "Troy kartım"
    }
    mehmet_visa = {
      customer_code = "CI-MEHMET"
      holder        = "Mehmet Öztürk"
      exp_month     = "12"
      exp_year      = "2030"
    }
  }
  # Moka test cards.
  card_numbers = {
    elif_bonus  = "5127541122223332"
    elif_troy   = "9792061122223337"
    mehmet_visa = "4531441122223338"
  }
}

run "plan_creates_every_customer_and_card" {
  command = plan

  assert {
    condition     = length(moka_dealer_customer.this) == 2
    error_message = "the plan should create two customers"
  }
  assert {
    condition     = length(moka_card.this) == 3
    error_message = "the plan should store three cards"
  }
  assert {
    condition     = moka_card.this["elif_troy"].customer_code == "${var.code_prefix}CI-ELIF"
    error_message = "elif_troy should be stored for ${var.code_prefix}CI-ELIF"
  }
}

run "provision" {
  assert {
    condition     = output.customer_codes == { "CI-ELIF" = "${var.code_prefix}CI-ELIF", "CI-MEHMET" = "${var.code_prefix}CI-MEHMET" }
    error_message = "every customer code should start with code_prefix \"${var.code_prefix}\", got ${jsonencode(output.customer_codes)}"
  }
  assert {
    condition     = length(output.customer_ids) == 2 && alltrue([for id in values(output.customer_ids) : id > 0])
    error_message = "both customers should have a DealerCustomerId from Moka"
  }
  assert {
    condition     = output.card_counts == { "CI-ELIF" = 2, "CI-MEHMET" = 1 }
    error_message = "Moka should hold two cards for CI-ELIF and one for CI-MEHMET, got ${jsonencode(output.card_counts)}"
  }
  assert {
    condition     = output.cards["elif_bonus"].last_four == "3332" && output.cards["elif_bonus"].first_six == "512754"
    error_message = "elif_bonus should show 512754******3332, got ${output.cards["elif_bonus"].first_six}******${output.cards["elif_bonus"].last_four}"
  }
  assert {
    condition     = output.cards["elif_troy"].last_four == "3337" && output.cards["mehmet_visa"].last_four == "3338"
    error_message = "the Troy and Visa cards should end in 3337 and 3338"
  }
  assert {
    condition     = alltrue([for card in values(output.cards) : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", card.token))])
    error_message = "every card should have a lower-case GUID token"
  }
  assert {
    condition     = length(distinct([for card in values(output.cards) : card.token])) == 3
    error_message = "the three cards should have three different tokens"
  }
  assert {
    condition     = output.cards["mehmet_visa"].name == null && output.cards["elif_bonus"].name == "Bonus kartım"
    error_message = "card names should be as configured"
  }
}

run "rename_keeps_the_card" {
  variables {
    # The tokens before the rename, passed in: OpenTofu refuses a reference
    # to another run inside an assertion, and both take one here.
    provisioned_tokens = { for key, card in run.provision.cards : key => card.token }
    cards = {
      elif_bonus = {
        customer_code = "CI-ELIF"
        holder        = "Elif Yetimoğlu"
        exp_month     = "12"
        exp_year      = "2030"
        name          = "Alışveriş kartım"
      }
      elif_troy = {
        customer_code = "CI-ELIF"
        holder        = "Elif Yetimoğlu"
        exp_month     = "12"
        exp_year      = "2030"
        name          = "Troy kartım"
      }
      mehmet_visa = {
        customer_code = "CI-MEHMET"
        holder        = "Mehmet Öztürk"
        exp_month     = "12"
        exp_year      = "2030"
      }
    }
  }

  assert {
    condition     = output.cards["elif_bonus"].name == "Alışveriş kartım"
    error_message = "elif_bonus should carry its new name"
  }
  assert {
    condition     = output.cards["elif_bonus"].token == var.provisioned_tokens["elif_bonus"]
    error_message = "a new name must not store a new card: the token changed"
  }
  assert {
    condition     = output.card_counts["CI-ELIF"] == 2
    error_message = "CI-ELIF should still have exactly two cards"
  }
}

run "card_for_an_unknown_customer_is_refused" {
  command = plan

  variables {
    cards = {
      stray = {
        customer_code = "CI-NOBODY"
        holder        = "Ayşe Yılmaz"
        exp_month     = "12"
        exp_year      = "2030"
      }
    }
    card_numbers = {
      stray = "4155141122223339"
    }
  }

  expect_failures = [var.cards]
}
