"""Sign up and sign in; the session token itself is issued by the controller."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from modules.auth.documents import User
from modules.auth.domain import credentials_for_sign_in, credentials_for_sign_up
from modules.auth.passwords import hash_password, verify_password
from modules.kernel import BadRequest


async def sign_up(email: str | None, password: str | None) -> User:
    credentials = credentials_for_sign_up(email, password)
    if await User.find_one(User.email == credentials.email):
        raise BadRequest("Email in use", "email")
    user = User(email=credentials.email, password_hash=await hash_password(credentials.password))
    try:
        await user.insert()
    except DuplicateKeyError:  # a concurrent sign-up won the race; the index decided
        raise BadRequest("Email in use", "email") from None
    return user


async def sign_in(email: str | None, password: str | None) -> User:
    credentials = credentials_for_sign_in(email, password)
    user = await User.find_one(User.email == credentials.email)
    if not await verify_password(user.password_hash if user else None, credentials.password):
        raise BadRequest("Invalid credentials")
    assert user is not None
    return user
