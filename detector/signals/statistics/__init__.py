"""Statistics: numbers that contradict reference facts, each other or common sense.

Fabricated news likes big round numbers that nobody checks: "مساحة مصر أربعة أضعاف مساحة
السعودية", "يبلغ عدد سكان دول الخليج 400 مليون نسمة", "المسافة بين القاهرة والرياض 5000
كيلومتر". Wire copy that quotes figures gets them about right and says who made a forecast.

The signal reads every number in the article's prose (:mod:`mizan.detector.numbers`) and the
place names around it (:mod:`mizan.detector.reference`), sentence by sentence, and checks:

* ratios of area or population between two countries or region groups ("X is four times
  the size of Y") against reference data, within a factor of ``RATIO_TOLERANCE``;
* a population or area stated for a country or group against reference data (populations
  are about ten years old, so a claim may exceed them by ``POPULATION_OVER_TOLERANCE``);
* a distance stated between two capitals or large cities against the great-circle
  distance, allowing ``DISTANCE_TOLERANCE`` either way and a road factor above it;
* the same quantity (area, population, distance, ratio of one place) given two different
  values in one article;
* impossible magnitudes: a share or rate over 100%, a person's age over ``MAX_AGE_YEARS``,
  more than ``MAX_EXPERIENCE_YEARS`` years of experience, a population above the world's;
* projections with a figure and no source in the sentence, and false precision (a
  percentage with three or more decimals) as weak cues.

Content farms also get money and their own arithmetic wrong, so the signal checks, with the
reference value named in each reason:

* amounts converted between the dollar and a pegged currency ("1647.1 مليون ريال عماني،
  أي ما يعادل 4348.3 مليون دولار") against the pegs in ``detector/reference/pegs.csv``,
  allowing ``PEG_TOLERANCE`` and a unit of each figure's last digit; a peg stated with the
  wrong rate or in the wrong unit (baisa for rials), the Kuwaiti dinar called fixed to the
  dollar, a pegged rate dated to one year, and a pegged or managed currency described as
  floating ("متغيرة باستمرار", "its value is determined by factors such as");
* a bank's buying rate above its selling rate, or a spread over ``SPREAD_MAX``;
* gold: karat prices against 24K x k/24 (tight when the page's other karats follow the
  ratio exactly), an ounce price against the page's gram prices (31.1035 g per troy ounce,
  ``GOLD_TOLERANCE`` for retail premiums and the day's movement), a forecast the page's own
  price has passed, the same figure in ounces and then tonnes, hundreds of tonnes as the
  world's largest reserve;
* an emirate's share of the country's area (``detector/reference/regions.csv``, or the
  page's own two areas), a stated change against the page's own two figures, parts that
  add up to more than their total (experience sums included), a figure spelled out in
  millions and followed by "مليون", "thousands of years" ending in a recent year, numbered
  phases dated backwards, a main part given as a small share, and a headline whose price
  both moved and held stable;
* across sentences of the page (``periods.py``): a monthly amount that twelve months over
  exceeds a vague yearly amount stated for the same thing ("مئات الريالات سنويا"), and a
  total said to cross a figure that the page's own list of what it is worth does not reach;
* against small dated tables (``world.py``): one country said to hold the majority of the
  world's oil (``oil_reserves.csv``), something launched under a national vision that
  the page dates before the vision was announced (``visions.csv``), and a currency's value
  in sterling at its first issue (``parities.csv``: the first Iraqi dinar was worth £1).

Gold pages are compared through the pegs: a gram price in dirhams or riyals against the
ounce in dollars. Correct Dubai pages price 24K about 2% above the ounce converted at the
peg and 22K about 3% above 22/24 of it, and the two fixes a page quotes can be hours
apart, so ``GOLD_TOLERANCE`` stays at 4.5%: a page 2-3% above spot cannot be told from a
correct one. Two moves of one ounce price that imply the same previous close ("rose 0.6% to
3,373", and "rose 0.3% to 3,364.43") cannot both be the price, unless the page says which is
spot and which futures, that one was an earlier high ("as much as", "earlier", "before
paring"), or times both within the session; a pair the page sets apart so stands.

Every loop is linear in the text: places, hits and figures near a claim are found by
bisection, and a family of checks first tests the field's word set for one of its words.
"""

from __future__ import annotations

from mizan.detector.signals.statistics.signal import StatisticsSignal

__all__ = ["StatisticsSignal"]
