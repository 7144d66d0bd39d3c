package io.kafkautility.response;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.kafkautility.config.ConfigurationException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Authenticator} for a signed JWT (JWS), checked with Nimbus JOSE + JWT: the bearer token of the
 * {@code Authorization} header, else the cookie {@link Builder#cookie(String) cookie} (browsers cannot set headers on
 * a WebSocket handshake, but they send the site's cookies). Its signature is checked against a shared secret (HS256 /
 * HS384 / HS512), a JWK set, or the JWK set of an identity provider's {@code jwks_uri} (fetched, cached and refreshed
 * by Nimbus; an OIDC provider publishes it in its discovery document). Then {@code exp} (required), {@code nbf}, and
 * {@code iss} / {@code aud} when configured, with a clock skew. The principal is the {@code sub} claim (or
 * {@link Builder#principalClaim}).
 *
 * <p>Immutable and thread-safe. A refusal's reason names the check that failed, never the token.
 */
public final class JwtAuthenticator implements Authenticator {

    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);

    /** The cookie read by default. */
    public static final String DEFAULT_COOKIE = "access_token";
    /** Default clock skew accepted on {@code exp} and {@code nbf}. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(60);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String cookie;
    private final String principalClaim;
    private final String description;

    private JwtAuthenticator(Builder b) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(b.algorithms(), b.source()));
        Set<String> required = new LinkedHashSet<>(List.of("exp", b.principalClaim));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (b.issuer != null) {
            exact.issuer(b.issuer);
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                b.audience == null ? null : Set.of(b.audience), exact.build(), required, null);
        claims.setMaxClockSkew((int) b.maxClockSkew.toSeconds());
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
        this.cookie = b.cookie;
        this.principalClaim = b.principalClaim;
        this.description = "JwtAuthenticator{keys=" + b.keysDescription + ", cookie=" + b.cookie + ", issuer="
                + b.issuer + ", audience=" + b.audience + ", principalClaim=" + b.principalClaim + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Authentication authenticate(Handshake handshake) {
        String token = bearer(handshake.header("Authorization"));
        if (token == null && cookie != null) {
            token = handshake.cookie(cookie);
        }
        if (token == null || token.isEmpty()) {
            return Authentication.refused("no bearer token and no " + cookie + " cookie");
        }
        if (token.length() > 16_384) {
            return Authentication.refused("token longer than 16 KiB");
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String principal = claims.getStringClaim(principalClaim);
            if (principal == null || principal.isEmpty()) {
                return Authentication.refused("claim " + principalClaim + " is empty");
            }
            return Authentication.principal(principal);
        } catch (ParseException e) {
            return Authentication.refused("not a JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            return Authentication.refused("rejected: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            log.warn("Checking a JWT failed (keys unavailable?): {}", e.getClass().getSimpleName());
            return Authentication.refused("keys unavailable");
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    @Override
    public String toString() {
        return description;
    }

    /** Builder; exactly one of {@link #hmacSecret}, {@link #jwkSet} and {@link #jwkSetUrl}. Not thread-safe. */
    public static final class Builder {
        private byte[] secret;
        private JWKSet jwkSet;
        private URI jwkSetUrl;
        private String cookie = DEFAULT_COOKIE;
        private String issuer;
        private String audience;
        private String principalClaim = "sub";
        private Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;
        private Set<JWSAlgorithm> algorithms;
        private String keysDescription;

        private Builder() {
        }

        /** Tokens signed with HMAC under this secret (at least 32 bytes). */
        public Builder hmacSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < 32) {
                throw new ConfigurationException("hmacSecret must be at least 32 bytes but was " + secret.length);
            }
            this.secret = secret.clone();
            return this;
        }

        /** Tokens signed with a key of this JWK set (JSON, public keys only). */
        public Builder jwkSet(String json) {
            try {
                this.jwkSet = JWKSet.parse(Objects.requireNonNull(json, "json")).toPublicJWKSet();
            } catch (ParseException e) {
                throw new ConfigurationException("jwkSet is not a JWK set: " + e.getMessage());
            }
            return this;
        }

        /** Tokens signed with a key of the JWK set served at {@code url} (an identity provider's jwks_uri). */
        public Builder jwkSetUrl(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                throw new ConfigurationException("jwkSetUrl must be http(s) but was " + url.getScheme());
            }
            this.jwkSetUrl = url;
            return this;
        }

        /** The cookie that carries the token when there is no bearer header; null to read the header only. */
        public Builder cookie(String name) {
            this.cookie = name;
            return this;
        }

        /** The {@code iss} every token must have. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** An {@code aud} every token must name. */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /** The claim that names the principal (default {@code sub}). */
        public Builder principalClaim(String claim) {
            this.principalClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        public Builder maxClockSkew(Duration skew) {
            Objects.requireNonNull(skew, "maxClockSkew");
            if (skew.isNegative()) {
                throw new ConfigurationException("maxClockSkew must be >= 0 but was " + skew);
            }
            this.maxClockSkew = skew;
            return this;
        }

        /** The JWS algorithms accepted (default: HS256/384/512 with a secret, RS, PS and ES ones with JWKs). */
        public Builder algorithms(String... names) {
            Set<JWSAlgorithm> set = new LinkedHashSet<>();
            for (String n : names) {
                set.add(JWSAlgorithm.parse(n));
            }
            this.algorithms = set;
            return this;
        }

        public JwtAuthenticator build() {
            int sources = (secret != null ? 1 : 0) + (jwkSet != null ? 1 : 0) + (jwkSetUrl != null ? 1 : 0);
            if (sources != 1) {
                throw new ConfigurationException("JwtAuthenticator needs exactly one of hmacSecret, jwkSet and "
                        + "jwkSetUrl, but " + sources + " were set");
            }
            return new JwtAuthenticator(this);
        }

        private Set<JWSAlgorithm> algorithms() {
            if (algorithms != null) {
                return algorithms;
            }
            return secret != null ? Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)
                    : Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
                    JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
                    JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);
        }

        private JWKSource<SecurityContext> source() {
            if (secret != null) {
                keysDescription = "secret [hidden]";
                return new ImmutableSecret<>(secret);
            }
            if (jwkSet != null) {
                keysDescription = jwkSet.getKeys().size() + " JWKs";
                return new ImmutableJWKSet<>(jwkSet);
            }
            keysDescription = jwkSetUrl.toString();
            try {
                return JWKSourceBuilder.create(jwkSetUrl.toURL()).retrying(true).build();
            } catch (MalformedURLException e) {
                throw new ConfigurationException("jwkSetUrl is not a URL: " + jwkSetUrl);
            }
        }
    }
}
