// Package sandbox is a local server for Moka United's DealerCustomer API,
// written only from MOKA-API.md (seed samples in internal/mokaseeds), with an
// optional data file and injected faults (faults.go).
//
// It shares no code with the API client on purpose: a test of the client
// against the sandbox is a contract test.
//
// The fixtures (fixtures.go) read and change the data directly, as someone
// in Moka's merchant panel would behind a client's back. They are not Moka's
// API, and a client must never need them.
//
// # Decisions where the sources are silent
//
// The sandbox's own choices, [inferred] in MOKA-API.md's terms. Those a
// client could depend on are switches (Switches; flags in brackets) that play
// the other answer; `terraform-provider-moka conformance` settles them.
//
//   - Order of checks: body and authentication (InvalidRequest), the fields
//     (InvalidRequest naming the field and its limit), the e-mail format
//     (InvalidEmailFormat), the customer (CustomerCodeOrDealerCustomerIdMustBeGiven,
//     CustomerCodeDoesntMatchDealerCustomerId, DealerCustomerNotFound) or the
//     card token (CardTokenIsRequired, CardNotFound), then
//     CustomerCodeAlreadyUsing. Only InvalidRequest and EX carry a
//     ResultMessage, as the seeds show.
//   - UpdateCard's failures use the prefix DealerCustomer.GetCard., as its
//     seed page lists (sic) [--update-card-own-codes].
//   - A customer is addressed by DealerCustomerId or CustomerCode ("", 0 and
//     null are not given). Both given must name one customer, else
//     CustomerCodeDoesntMatchDealerCustomerId (DealerCustomerNotFound when
//     neither exists); so UpdateCustomer cannot change a code.
//   - CustomerCode compares exactly [--codes-ignore-case].
//   - UpdateCustomer keeps a missing [--update-clears-omitted] or null
//     [--update-clears-null] field and sets a present one, even "" or Gender
//     0 [--update-keeps-empty]. A removed customer's code can be registered
//     again [--forbid-code-reuse]; its cards go with it
//     [--keep-cards-on-remove-customer].
//   - Answers show the documented fields only, in the seeds' order, with ""
//     or 0 for nothing [--unset-as-null, --extra-fields].
//   - JSON is read leniently like ASP.NET/Newtonsoft (lenient.go). Text must
//     be valid UTF-8; limits count characters, not bytes.
//   - E-mail format: email.go. An empty Email is no e-mail, not a bad one.
//   - Card tokens: any GUID form .NET parses, stored lower case with dashes;
//     a non-GUID is CardNotFound, an empty one CardTokenIsRequired.
//   - AddCard and AddCustomerWithCard require CardNumber (12 to 19 digits,
//     Luhn [--skip-luhn-check]), ExpMonth 01..12 and ExpYear YYYY, not past
//     its month [--skip-expiry-check]; holder and name may be empty. The
//     same card may be stored twice [--refuse-duplicate-card]. AddCard
//     answers the new card only [--add-card-answers-all-cards]. BankName
//     comes from the BIN (card.go).
//   - UpdateCard without CardName, or with null or "", sets an empty name
//     [--update-card-refuses-empty-name].
//   - Text is stored whole and as sent [--truncate-text, --upper-case-text].
//     Lists show every field [--lists-omit-fields]. BirthDate is answered as
//     sent [--birth-date-dotted, --birth-date-dotnet]. EX's text is in
//     ResultMessage [--ex-text-in-exception].
//   - A customer's cards are in the order added, GetCustomerList in id
//     order; ids start at 1033.
//   - Paths match ignoring case and a trailing slash; an unknown operation is
//     404, another method than POST 405, a body over 1 MiB InvalidRequest.
package sandbox
