package dev.leadflow.api;

import io.javalin.http.Context;
import java.util.Locale;

/**
 * Finds the user behind a request: {@code Authorization: Bearer <token>}, or for event streams only the
 * {@code access_token} query parameter, because a browser's EventSource cannot set headers. Tokens in URLs
 * can end up in proxy logs, so no other route accepts them there.
 */
final class Authenticator {

    private final Users users;

    Authenticator(Users users) {
        this.users = users;
    }

    User require(Context ctx, boolean allowQueryToken) {
        String header = ctx.header("Authorization");
        String token;
        if (header != null) {
            if (!header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
                throw ApiException.unauthorized("the Authorization header must be \"Bearer <token>\"");
            }
            token = header.substring("bearer ".length()).strip();
        } else {
            token = allowQueryToken ? ctx.queryParam("access_token") : null;
        }
        if (token == null || token.isEmpty()) {
            throw ApiException.unauthorized("sign in: send Authorization: Bearer <token>");
        }
        return users.authenticate(token).orElseThrow(() -> ApiException.unauthorized("unknown or revoked token"));
    }
}
