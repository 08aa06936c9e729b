"""Fictional fixture articles for the group tests (written for storylens; all names invented)."""

from __future__ import annotations

from storylens.model import Article, ArticleAnalysis, Mention, Outlet, Span, text_id

FLOOD_WIRE = """\
MARROWBY, Tessaly (Northwire) - The Tessel river burst its banks early on Sunday, forcing the \
evacuation of about 300 homes in the low-lying districts of Marrowby, the town's mayor said.

Mayor Ilse Danvers told reporters that emergency crews had moved residents of the Quayside and \
Old Mill neighbourhoods to the sports hall on Fenwick Road, where the regional council had set \
up cots and a field kitchen overnight.

"The water rose faster than any of our models predicted," Danvers said, adding that no deaths \
had been reported but that two fishermen were treated for hypothermia after their boat capsized \
near the Harlan bridge.

The Tessaly weather office said more than 90 millimetres of rain had fallen on the upper valley \
in 36 hours, the heaviest downpour recorded there since the floods of 1998. Forecasters expect \
the river to crest on Monday afternoon before the water slowly recedes during the week.

Rail services between Marrowby and the port city of Callen were suspended after a section of \
embankment collapsed, the operator Tessaly Rail said in a statement, and engineers will inspect \
the line once the water has gone down.
"""

FLOOD_OTHER = """\
Hundreds of families in Marrowby spent the night in a school gym after the swollen Tessel \
flooded the town's riverside streets, and residents say the warnings came too late.

"We had twenty minutes to grab the children and the dog," said Oona Pell, a baker whose shop on \
Quayside now stands under a metre of brown water. Volunteers in kayaks ferried elderly neighbours \
to higher ground while firefighters pumped out the cellars of the old hospital.

Critics of Mayor Ilse Danvers pointed out that the flood barrier promised after the 1998 disaster \
was never finished. Opposition councillor Rafe Whitlow said the council had diverted the money to \
a new ring road. Danvers rejected the claim and said the barrier would be completed next spring.

Insurers estimate the damage in the Tessel valley at tens of millions, and the regional \
government has promised emergency grants to shop owners in the flooded districts of Marrowby.
"""

RECALL_ONE = """\
Quillon Systems is recalling roughly 48,000 electric bicycles after reports that their battery \
packs can overheat while charging, the company announced on Thursday.

Chief executive Pieter Okonkwo said the affected Quillon Drift and Drift Plus models, sold since \
March, would receive a free replacement battery, and he urged owners to stop charging them \
indoors. The consumer safety agency said it had received 37 reports of smoking batteries and two \
small fires in garages, with no injuries.

Shares of Quillon fell almost 9 percent in early trading as analysts warned that the recall \
could cost the firm more than its entire quarterly profit.
"""

RECALL_TWO = """\
Owners of Drift e-bikes are being told to unplug them: Quillon has ordered a recall of its \
popular commuter models because the lithium batteries may catch fire during charging.

The company's boss, Pieter Okonkwo, apologised in a video message and said replacement packs \
from a new supplier would ship within six weeks. Cyclists' groups welcomed the quick response \
but questioned why the fault was missed in testing, since the consumer safety agency had first \
flagged a smoking battery in a garage in the spring.

Market analysts said the Quillon recall could wipe out a quarter of profit and dent the battery \
maker's reputation ahead of its planned listing.
"""


def make_article(
    text: str,
    *,
    outlet: str = "Example Daily",
    kind: str | None = None,
    published: datetime | None = None,
    title: str | None = None,
) -> Article:
    return Article(
        id=text_id(text),
        outlet=Outlet(name=outlet, kind=kind),
        text=text,
        title=title,
        published=published,
        origin=f"fixture:{outlet}",
    )


def analyze(nlp, article: Article) -> ArticleAnalysis:
    """An analysis with only the mentions filled, from spaCy's doc.ents."""
    doc = nlp(article.text)
    mentions = tuple(Mention(Span(e.start_char, e.end_char), e.text, e.label_) for e in doc.ents)
    return ArticleAnalysis(article=article, mentions=mentions)
