// Package sandbox is a local server for Moka United's DealerCustomer API,
// written only from MOKA-API.md at the root of this repository (the API as
// known, with the two documented pages, AddCustomer in English and UpdateCard
// in Turkish, whose samples are in internal/mokaseeds). It keeps customers and cards in memory
// (and optionally in a JSON file), checks the CheckKey, the documented limits
// and result codes, answers the seed samples as the seeds show, and can
// inject the faults real networks and servers have (faults.go; the latecommit
// fault, a write landing after the client gave up, is chosen only by name,
// and a hold that Close ends commits nothing).
//
// It shares no code with the API client on purpose: a test of the client
// against the sandbox is a contract test.
//
// # Fixtures for tests and tools
//
// Customers, Cards, PutCustomer, DeleteCustomer, AddCardDirect,
// AddCardWithToken, RenameCard and DeleteCard read and change the sandbox's
// data directly, for tests (fixtures.go); the sandbox command and
// GET /sandbox/state use the two readers. They are not Moka's API:
// no DealerCustomer call reaches them, they check only what keeps the data
// consistent, and a client must never be written to need them. They stand
// for someone changing the account in Moka's merchant panel behind a
// client's back.
//
// # Decisions where the sources are silent
//
// These are the sandbox's own choices, [inferred] in MOKA-API.md's terms.
// The ones a client could depend on are switches (Switches, Options and the
// command's flags, named in brackets below) that play the other answer; the
// rest are listed here so that nobody mistakes them for Moka's documented
// behaviour. `terraform-provider-moka conformance` settles the switched ones
// against a real Moka.
//
//   - Order of checks: body and authentication (InvalidRequest), then the
//     fields (InvalidRequest, with a ResultMessage naming the field and its
//     limit), then the e-mail format (InvalidEmailFormat), then the customer
//     (CustomerCodeOrDealerCustomerIdMustBeGiven, CustomerCodeDoesntMatchDealerCustomerId,
//     DealerCustomerNotFound) or the card token (CardTokenIsRequired, then
//     CardNotFound), then CustomerCodeAlreadyUsing. Only InvalidRequest and
//     EX carry a ResultMessage; every other failure has "" as the seeds show.
//   - Every failure of UpdateCard, InvalidRequest included, uses the prefix
//     DealerCustomer.GetCard., as the UpdateCard seed page lists (sic)
//     [--update-card-own-codes].
//   - A customer is addressed by DealerCustomerId or CustomerCode; "", 0 and
//     null mean "not given". When both are given they must name the same
//     customer; an id that exists with another code, or a code that exists
//     while the id does not, is CustomerCodeDoesntMatchDealerCustomerId;
//     neither existing is DealerCustomerNotFound. So UpdateCustomer cannot
//     change a CustomerCode.
//   - CustomerCode compares exactly (case and spaces count)
//     [--codes-ignore-case].
//   - UpdateCustomer keeps a field that is missing [--update-clears-omitted]
//     or null [--update-clears-null], and sets one that is present, even ""
//     (Gender 0 or "" clears it too) [--update-keeps-empty]. A removed customer's code
//     can be registered again [--forbid-code-reuse]; its cards go with it
//     [--keep-cards-on-remove-customer].
//   - Answers show every documented field, and only those, in the seeds'
//     order; a field that holds nothing is "" or 0 [--unset-as-null,
//     --extra-fields].
//   - JSON is read leniently like ASP.NET/Newtonsoft: names match in any
//     case, unknown names are ignored, a number is accepted for a string and
//     a string of digits for an integer; true/false, arrays and objects in
//     their place are InvalidRequest. Text must be valid UTF-8 (no lone
//     surrogate escapes either). Limits count characters, not bytes.
//   - E-mail format (InvalidEmailFormat; email.go): exactly one @; no white
//     space and none of < > ( ) [ ] , ; : \ "; a mailbox of one or more words
//     joined by single dots; a domain of two or more labels, none empty or
//     with a hyphen at either end, the last at least two characters. Letters
//     of any script are allowed. An empty Email is no e-mail, not a bad one.
//   - Card tokens: any GUID form .NET parses (dashes, braces, parentheses,
//     32 bare digits; any case); stored and answered lower case with dashes.
//     A string that is not a GUID is CardNotFound; an empty one is
//     CardTokenIsRequired.
//   - AddCard and AddCustomerWithCard require CardNumber (12 to 19 digits,
//     no spaces, Luhn unless SkipLuhnCheck), ExpMonth ("01".."12") and
//     ExpYear (four digits), and refuse an expired card unless
//     SkipExpiryCheck (a card is valid through its expiry month)
//     [--skip-luhn-check, --skip-expiry-check]. CardHolderFullName and
//     CardName may be empty. The same card may be stored twice
//     [--refuse-duplicate-card]. AddCard answers with the new card only
//     [--add-card-answers-all-cards]. BankName comes from the BIN: 512754 "Akbank",
//     979206 "Troy Test Bank", any other "TEST BANK".
//   - UpdateCard without CardName (or with null, "" or blanks) sets an empty
//     name [--update-card-refuses-empty-name].
//   - Text is stored as sent, whole (within the limits) and in its case
//     [--truncate-text: FirstName, LastName, Address, CardName cut to 40
//     characters; --upper-case-text: those and CardHolderFullName in upper
//     case].
//   - List answers (GetCardList, GetCustomerList) show every field
//     [--lists-omit-fields].
//   - BirthDate is answered as it is stored and sent, YYYYMMDD
//     [--birth-date-dotted, --birth-date-dotnet]; input is YYYYMMDD either way.
//   - An EX answer has its text in ResultMessage and Exception null
//     [--ex-text-in-exception].
//   - A customer's CardList is in the order the cards were added;
//     GetCustomerList is in DealerCustomerId order; ids start at 1033.
//   - Paths match case-insensitively, with or without a trailing slash. An
//     unknown operation is HTTP 404, another method than POST is 405. A body
//     over 1 MiB is InvalidRequest.
package sandbox
