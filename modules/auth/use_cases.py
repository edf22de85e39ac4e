"""Sign up and sign in; the session token itself is issued by the controller."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from modules.auth.documents import User
from modules.auth.domain import credentials_for_sign_in, credentials_for_sign_up
from modules.auth.limits import AttemptLimits
from modules.auth.passwords import Passwords
from modules.kernel import BadRequest, Transactions, UnitOfWork

EMAIL_IN_USE = "Email in use"


@dataclass(frozen=True)
class Accounts:
    """What signing up and in needs: auth's transactions, its hasher and its attempt limits."""

    transactions: Transactions
    passwords: Passwords
    limits: AttemptLimits


@dataclass(frozen=True)
class Attempt:
    """Credentials as typed, and the client address they came from."""

    email: str | None
    password: str | None
    address: str


async def sign_up(accounts: Accounts, attempt: Attempt) -> User:
    credentials = credentials_for_sign_up(attempt.email, attempt.password)
    await accounts.limits.before_sign_up(attempt.address)
    if await User.find_one(User.email == credentials.email):
        raise BadRequest(EMAIL_IN_USE, "email")
    password_hash = await accounts.passwords.hash(credentials.password)
    user = User(email=credentials.email, password_hash=password_hash)

    async def work(unit: UnitOfWork) -> User:
        return await unit.insert(user)

    try:
        return await accounts.transactions.run(work)
    except DuplicateKeyError:  # a concurrent sign-up won the race; the index decided
        raise BadRequest(EMAIL_IN_USE, "email") from None


async def sign_in(accounts: Accounts, attempt: Attempt) -> User:
    credentials = credentials_for_sign_in(attempt.email, attempt.password)
    limits = accounts.limits
    await limits.before_sign_in(attempt.address, credentials.email)
    user = await User.find_one(User.email == credentials.email)
    verdict = await accounts.passwords.verify(
        user.password_hash if user else None, credentials.password
    )
    if user is None or not verdict.matches:
        await limits.failed_sign_in(attempt.address, credentials.email)
        raise BadRequest("Invalid credentials")
    await limits.signed_in(credentials.email)
    if verdict.needs_rehash:
        await _upgrade_hash(accounts, user, credentials.password)
    return user


async def _upgrade_hash(accounts: Accounts, user: User, password: str) -> None:
    """The hash parameters changed since this password was set: store it with today's."""
    user.password_hash = await accounts.passwords.hash(password)

    async def work(unit: UnitOfWork) -> None:
        await unit.save_if_unchanged(user)

    await accounts.transactions.run(work)
