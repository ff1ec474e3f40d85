"""All models, importable from one place (Alembic and the services read them here)."""
from .accounts import ApiToken, LoginAttempt, Organization, User  # noqa: F401
from .challenges import Application, Milestone  # noqa: F401
from .deals import Deal, DealNote, Enquiry  # noqa: F401
from .events import Event  # noqa: F401
from .listings import Achievement, Demand  # noqa: F401
from .membership import JoinRequest, OrganizationChange  # noqa: F401
from .matching import IndexOutbox, Match, Subscription  # noqa: F401
from .notifications import MailPreference, Notification  # noqa: F401
from .jobs import ImportJob, ProposalRun  # noqa: F401
from .units import Unit  # noqa: F401
from .attachments import Attachment  # noqa: F401
from .revisions import ListingRevision  # noqa: F401
from .trust import Announcement, DemandResponse, Favourite  # noqa: F401
from .monitoring import Indicator, IndicatorTarget, ReportedValue, Snapshot, SnapshotValue  # noqa: F401
from .enterprises import (EnterpriseFigures, EnterpriseProfile, FiguresChange, OrganizationTag, Policy,  # noqa: F401
                          PolicyDelivery, PoolEvent, PoolMember, PoolSetting, Tag)
from .glossary import GlossaryConcept  # noqa: F401
from .vouchers import (ProviderObjection, ServiceProduct, ServiceProvider, SettlementBatch,  # noqa: F401
                       Voucher, VoucherClaim, VoucherLedger, VoucherOrder, VoucherScheme)
