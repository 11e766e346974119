"""Pages of the challenges app, one module per topic.

`challenges` (listing, detail, drafting, submission, withdraw, cancel),
`vetting` (the programme office's desk), `attachments`, `bids` and
`partners` (a bid's partner organizations); `_common` holds shared helpers.
The URLs are in `challenges.urls`.
"""
