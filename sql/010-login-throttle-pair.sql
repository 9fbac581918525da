-- Failed logins are counted per (email, client address) pair and per
-- address (src/auth.c), no longer per email: counted per email, anybody
-- could keep an account locked, its owner's right password included.
-- A pair's key is "ADDRESS EMAIL" (an address has no space in it).
DELETE FROM login_failures WHERE kind = 'email';
ALTER TABLE login_failures
  MODIFY kind ENUM('pair','ip') NOT NULL,
  MODIFY k VARCHAR(300) NOT NULL;
