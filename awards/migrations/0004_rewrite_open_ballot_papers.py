"""Papers of a ballot open when this release arrives were written in the order units voted (only the close
reshuffled them); from now on every cast rewrites them in a fresh random order. Rewrite them once here, so that
an open ballot is unlinkable from the start, not only from its next cast."""

import random

from django.db import migrations


def rewrite_open_ballots(apps, schema_editor):
    Ballot = apps.get_model("awards", "Ballot")
    BallotPaper = apps.get_model("awards", "BallotPaper")
    BallotChoice = apps.get_model("awards", "BallotChoice")
    rng = random.SystemRandom()
    for ballot_id in Ballot.objects.filter(status="open", method="online").values_list("pk", flat=True):
        papers: dict = {}
        for paper_id, candidate_id in BallotPaper.objects.filter(ballot_id=ballot_id).values_list(
            "id", "choices__candidate"
        ):
            papers.setdefault(paper_id, [])
            if candidate_id is not None:
                papers[paper_id].append(candidate_id)
        contents = list(papers.values())
        BallotChoice.objects.filter(paper__ballot_id=ballot_id).delete()
        BallotPaper.objects.filter(ballot_id=ballot_id).delete()
        rng.shuffle(contents)
        rewritten = BallotPaper.objects.bulk_create(BallotPaper(ballot_id=ballot_id) for _ in contents)
        BallotChoice.objects.bulk_create(
            BallotChoice(paper=paper, candidate_id=pk)
            for paper, choices in zip(rewritten, contents, strict=True)
            for pk in sorted(choices)
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_document_dates_and_legal_bases")]

    operations = [migrations.RunPython(rewrite_open_ballots, migrations.RunPython.noop)]
