"""The sans-IO core: everything that is not waiting on a socket.

Nothing here imports httpx, anyio, stamina or yaml, sleeps, or reads a clock (a test checks it).
"""
