// A real OpenID Connect provider for the tests: panva's certified `oidc-provider`, on loopback,
// with two staff users, two citizens and dynamic client registration (each test server registers its own redirect
// URI). It prints its issuer URL on the first line of standard output, then serves until killed.
//
// The login and consent pages are the package's development interactions: any password is
// accepted for a known login (the tests prove Tovholder's side: discovery, keys, the code
// exchange with PKCE, and the ID token's signature, issuer, audience and nonce).
import http from 'node:http';
import Provider from 'oidc-provider';

const accounts = {
  anna: { sub: 'anna', email: 'anna@nordby.example', email_verified: true, name: 'Anna Berg', preferred_username: 'anna.berg' },
  uma: { sub: 'uma', email: 'uma@nordby.example', email_verified: true, name: 'Uma Ukendt', preferred_username: 'uma' },
  // Citizens as a MitID broker names them: by CPR number (the demo's Louise Bak, and a stranger).
  louise: { sub: 'louise', name: 'Louise Bak', cpr: '1503884316' },
  ukendt: { sub: 'ukendt', name: 'Ukendt Borger', cpr: '0101011234' },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true },
    },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'cpr'] },
    scopes: ['openid', 'email', 'profile'],
    findAccount: async (ctx, id) => (accounts[id] ? { accountId: id, claims: async () => accounts[id] } : undefined),
    cookies: { keys: ['only-for-tests'] },
  });
  // Plain HTTP on loopback is what the tests have.
  provider.proxy = true;
  server.on('request', provider.callback());
  console.log(issuer);
});

// The test binary holds standard input open; when it exits, so does the provider.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
