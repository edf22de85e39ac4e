"""The shared kernel: errors, session guard and the Module shape. No business rules."""

from modules.kernel.errors import (
    AppError,
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from modules.kernel.ids import object_id_or_404
from modules.kernel.module import Hook, Module, ModuleContext
from modules.kernel.money import cents_to_number
from modules.kernel.session import SESSION_COOKIE, CurrentUser, SessionCodec
from modules.kernel.web import (
    RequestBody,
    provide_current_user,
    provide_signed_in_user,
    session_codec,
)

__all__ = (
    "SESSION_COOKIE",
    "AppError",
    "BadRequest",
    "Conflict",
    "CurrentUser",
    "FieldError",
    "Forbidden",
    "Hook",
    "Module",
    "ModuleContext",
    "NotAuthenticated",
    "NotFound",
    "RequestBody",
    "SessionCodec",
    "ValidationFailed",
    "cents_to_number",
    "object_id_or_404",
    "provide_current_user",
    "provide_signed_in_user",
    "session_codec",
)
