"""The evaluation app's pages, by topic; `evaluation.urls` maps them.

`panels` (the operator's list, panel, reviewers and rubric), `decision`
(ranking export and the lead decision), `nomination` (the demand entity's
reviewer), `invitations` (the reviewer invitation landing page) and
`validation` (stage 4). The reviewers' own pages are the review panel in
`evaluation.admin`.

Views hold no business rules: they check `rules` (404 when it fails), call
`services` and `selectors`, and turn ValidationErrors into form errors.
They never write on GET.
"""
