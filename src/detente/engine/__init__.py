"""detente.engine"""
