"""The shared kernel: errors, the session guard, persistence, the Module shape. No rules."""

from modules.kernel.errors import (
    AppError,
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from modules.kernel.ids import object_id_or_404
from modules.kernel.inbox import Inbox, Listener
from modules.kernel.module import Module, ModuleContext, ModuleSettings, Service, Wiring, provide
from modules.kernel.money import cents_to_number
from modules.kernel.pages import (
    KeptPages,
    Page,
    View,
    field_errors,
    local_path,
    redirect,
    view_provider,
)
from modules.kernel.paging import DEFAULT_PAGE, MAX_PAGE, PageRequest, next_page_link
from modules.kernel.replicas import apply_in_order, record_once
from modules.kernel.responses import NO_STORE, ErrorsOut, error_responses
from modules.kernel.services import Periodic
from modules.kernel.session import SESSION_COOKIE, CurrentUser, SessionCodec
from modules.kernel.sessions import Sessions
from modules.kernel.unit_of_work import Transactions, UnitOfWork
from modules.kernel.versioned import Versioned
from modules.kernel.web import (
    RENEWED_SESSION,
    RequestBody,
    client_address,
    current_user_provider,
    provide_signed_in_user,
)

__all__ = (
    "DEFAULT_PAGE",
    "MAX_PAGE",
    "NO_STORE",
    "RENEWED_SESSION",
    "SESSION_COOKIE",
    "AppError",
    "BadRequest",
    "Conflict",
    "CurrentUser",
    "ErrorsOut",
    "FieldError",
    "Forbidden",
    "Inbox",
    "KeptPages",
    "Listener",
    "Module",
    "ModuleContext",
    "ModuleSettings",
    "NotAuthenticated",
    "NotFound",
    "Page",
    "PageRequest",
    "Periodic",
    "RequestBody",
    "Service",
    "SessionCodec",
    "Sessions",
    "TooManyRequests",
    "Transactions",
    "UnitOfWork",
    "ValidationFailed",
    "Versioned",
    "View",
    "Wiring",
    "apply_in_order",
    "cents_to_number",
    "client_address",
    "current_user_provider",
    "error_responses",
    "field_errors",
    "local_path",
    "next_page_link",
    "object_id_or_404",
    "provide",
    "provide_signed_in_user",
    "record_once",
    "redirect",
    "view_provider",
)
