"""What clerks hand the presidium and auditors take away: the tally sheet in its forms
(PDF, XLSX, CSV), the announcement read in the hall, and the verification bundle.

Every form is rendered from one ``TallySheet`` (``voting.exports.sheet``), which
``voting.services.reports.tally_sheet`` builds from the stored counts: one
tally feeds them all, so no two forms can disagree.
"""
