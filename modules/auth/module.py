from modules.auth.api import UsersApi
from modules.auth.documents import User
from modules.kernel import Module

module = Module(name="auth", documents=[User], routes=[UsersApi])
