"""The known CSV layouts (Epoch's exports of 2022-2026 and our registry) and how to tell them apart."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Layout:
    """How one family of CSV exports names the columns the canonical table is built from."""

    key: str  # short id recorded in provenance
    description: str
    name: str
    date: str
    parameters: str
    domain: str
    organization: str
    date_format: str  # "dayfirst" (DD/MM/YYYY) or "iso" (YYYY-MM-DD)
    fallback_name: str | None = None  # used where the name cell is blank
    notability: str | None = None  # non-empty cell => notable; None => see all_notable
    all_notable: bool = False  # every row of this export is notable by construction
    confidence: str | None = None
    parameter_notes: str | None = None
    sparsity: str | None = None  # a "Dense or sparse model" style column
    link: str | None = None
    open_weights: str | None = None
    active_parameters: str | None = None
    training_compute: str | None = None  # training compute in FLOP
    base_model: str | None = None  # the model this one was fine-tuned or distilled from
    organization_type: str | None = None  # Industry / Academia / ... (Epoch's categorization)
    family: str | None = None  # model family (registry only)
    derived: str | None = None  # yes/no: a fine-tune or distillation of another model (registry only)
    signature: tuple[str, ...] = field(default=())  # columns whose presence identifies the layout

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must be present for a file to be read with this layout."""
        cols = [self.name, self.date, self.parameters, self.domain, self.organization, *self.signature]
        return tuple(dict.fromkeys(cols))


# Google-Sheet era (PROVENANCE.md: notable_ml_systems_2022-09-01, all_ml_systems_sheet_2023-03-03):
# `System`, DD/MM/YYYY dates, 3-significant-figure parameters, `Organization(s)`,
# `Inclusion criteria` instead of notability; the NOTABLE tab has no flag because every row is notable.
SHEET_NOTABLE = Layout(
    key="epoch-sheet-notable",
    description="Epoch Google-Sheet export, NOTABLE ML SYSTEMS tab (2022)",
    name="System",
    fallback_name="Reference",
    date="Publication date",
    parameters="Parameters",
    domain="Domain",
    organization="Organization(s)",
    date_format="dayfirst",
    all_notable=True,
    sparsity="Dense or sparse model",
    link="Link",
    training_compute="Training compute (FLOPs)",
    organization_type="Organization Categorization",
    signature=("Inclusion criteria", "Year"),
)
SHEET_ALL = Layout(
    key="epoch-sheet-all",
    description="Epoch Google-Sheet export, ALL ML SYSTEMS tab (2023)",
    name="System",
    fallback_name="Reference",
    date="Publication date",
    parameters="Parameters",
    domain="Domain",
    organization="Organization(s)",
    date_format="dayfirst",
    notability="Inclusion criteria",
    sparsity="Dense or sparse model",
    link="Link",
    training_compute="Training compute (FLOPs)",
    organization_type="Organization Categorization",
    signature=("Inclusion criteria", "Inclusion criteria met", "Year"),
)
# Airtable era (2023-12-14, 2024-02-05): `System`, ISO dates, BOM, `Notability criteria`.
AIRTABLE = Layout(
    key="epoch-airtable",
    description="Epoch Airtable export, All ML Systems (2023-2024)",
    name="System",
    fallback_name="Reference",
    date="Publication date",
    parameters="Parameters",
    domain="Domain",
    organization="Organization",
    date_format="iso",
    notability="Notability criteria",
    confidence="Confidence",
    parameter_notes="Parameters notes",
    link="Link",
    training_compute="Training compute (FLOP)",
    base_model="Base model",
    organization_type="Organization categorization",
    signature=("Notability criteria",),
)
# Public era (all_ai_models 2025-2026, Airtable full view 2025-08): `Model`, ISO dates.
PUBLIC_ALL = Layout(
    key="epoch-public-all",
    description="Epoch public all_ai_models.csv (2025-2026)",
    name="Model",
    date="Publication date",
    parameters="Parameters",
    domain="Domain",
    organization="Organization",
    date_format="iso",
    notability="Notability criteria",
    confidence="Confidence",
    parameter_notes="Parameters notes",
    link="Link",
    open_weights="Open model weights?",
    training_compute="Training compute (FLOP)",
    base_model="Base model",
    organization_type="Organization categorization",
    signature=("Notability criteria",),
)
# The public notable_ai_models.csv has the same columns in another order; every row is notable
# (its `Notability criteria` is nonetheless filled, so the flag agrees either way).
# It is told apart from all_ai_models by lacking the all-models-only `Approach` column.
PUBLIC_NOTABLE = Layout(
    key="epoch-public-notable",
    description="Epoch public notable_ai_models.csv (2026)",
    name="Model",
    date="Publication date",
    parameters="Parameters",
    domain="Domain",
    organization="Organization",
    date_format="iso",
    all_notable=True,
    confidence="Confidence",
    parameter_notes="Parameters notes",
    link="Link",
    open_weights="Open model weights?",
    training_compute="Training compute (FLOP)",
    base_model="Base model",
    organization_type="Organization categorization",
    signature=("Notability criteria", "Compute cost notes"),
)
# The bundled extract of Epoch's notable_ai_models.csv (data/epoch_notable_ai_models.csv, written by
# gapstudy.data.extract): Epoch's cells under snake_case headers; every row is notable.
EPOCH_NOTABLE_EXTRACT = Layout(
    key="epoch-notable-extract",
    description="gapstudy's bundled extract of Epoch notable_ai_models.csv (data/epoch_notable_ai_models.csv)",
    name="name",
    date="publication_date",
    parameters="parameters",
    domain="domain",
    organization="organization",
    date_format="iso",
    all_notable=True,
    confidence="confidence",
    parameter_notes="parameters_notes",
    link="link",
    open_weights="open_weights",
    training_compute="training_compute",
    base_model="base_model",
    organization_type="organization_type",
    signature=("notability_criteria", "parameters_notes"),
)
# Our bundled registry, data/models.csv (see data/README.md).
REGISTRY = Layout(
    key="gapstudy-registry",
    description="gapstudy bundled registry (data/models.csv)",
    name="name",
    date="publication_date",
    parameters="parameters",
    domain="domain",
    organization="organization",
    date_format="iso",
    all_notable=True,
    confidence="confidence",
    link="source",
    open_weights="open_weights",
    active_parameters="active_parameters",
    parameter_notes="notes",  # MoE rows whose source gives no active count say so here
    # columns added in 2026 (issue 13); a registry file without them still loads (NaN/None)
    training_compute="training_compute",
    base_model="base_model",
    organization_type="organization_type",
    family="family",
    derived="derived",
    signature=("source",),
)

# Most specific first: a file is read with the first layout whose required columns it has.
LAYOUTS: tuple[Layout, ...] = (
    SHEET_ALL, SHEET_NOTABLE, PUBLIC_NOTABLE, PUBLIC_ALL, AIRTABLE, EPOCH_NOTABLE_EXTRACT, REGISTRY,
)


def detect(columns: list[str]) -> Layout | None:
    """The layout a header belongs to, or None if it matches none."""
    present = set(columns)
    if PUBLIC_NOTABLE.name in present and "Approach" in present:
        candidates = [lay for lay in LAYOUTS if lay is not PUBLIC_NOTABLE]
    else:
        candidates = list(LAYOUTS)
    for lay in candidates:
        if all(c in present for c in lay.required):
            return lay
    return None


def closest_missing(columns: list[str]) -> tuple[Layout, list[str]]:
    """The layout the header comes closest to and the columns it lacks (for the error message)."""
    present = set(columns)
    best = min(LAYOUTS, key=lambda lay: sum(c not in present for c in lay.required))
    return best, [c for c in best.required if c not in present]
