package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.kafkautility.config.ConfigurationException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The JWT authenticator against tokens signed by Nimbus itself: a shared secret, a JWK set, an identity provider's
 * JWK set URL (served here on loopback); and the tokens it must refuse (expired, not yet valid, another issuer or
 * audience, another key, unsigned, an HMAC token against public keys).
 */
class JwtAuthenticatorTest {

    private static final String ISSUER = "https://idp.example";

    private static byte[] secret() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("chat")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
    }

    private static String hs256(byte[] secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static Handshake handshake(Map<String, String> headers, Map<String, String> cookies) {
        return new Handshake() {
            @Override
            public String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
            }

            @Override
            public List<String> headers(String name) {
                String v = header(name);
                return v == null ? List.of() : List.of(v);
            }

            @Override
            public String cookie(String name) {
                return cookies.get(name);
            }

            @Override
            public String userPrincipal() {
                return null;
            }
        };
    }

    private static Handshake cookie(String jwt) {
        return handshake(Map.of(), Map.of("access_token", jwt));
    }

    @Test
    void aTokenSignedWithTheSecretNamesItsSubjectFromTheCookieOrTheBearerHeader() throws Exception {
        byte[] secret = secret();
        JwtAuthenticator auth = JwtAuthenticator.builder().hmacSecret(secret).issuer(ISSUER).audience("chat")
                .build();
        String alice = hs256(secret, claims("alice").build());
        assertThat(auth.authenticate(cookie(alice)).principal()).isEqualTo("alice");
        assertThat(auth.authenticate(handshake(Map.of("Authorization", "Bearer " + alice), Map.of())).principal())
                .isEqualTo("alice");
        assertThat(auth.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(secret));
        JwtAuthenticator byEmail = JwtAuthenticator.builder().hmacSecret(secret).principalClaim("email").build();
        assertThat(byEmail.authenticate(cookie(hs256(secret, claims("alice").claim("email", "a@example.com")
                .build()))).principal()).isEqualTo("a@example.com");
    }

    @Test
    void expiredFutureForeignAndUnsignedTokensAreRefusedWithAReasonThatHoldsNoToken() throws Exception {
        byte[] secret = secret();
        JwtAuthenticator auth = JwtAuthenticator.builder().hmacSecret(secret).issuer(ISSUER).audience("chat")
                .maxClockSkew(Duration.ofSeconds(30)).build();
        Map<String, String> refused = new HashMap<>();
        refused.put("expired", hs256(secret, claims("a").expirationTime(Date.from(Instant.now().minusSeconds(60)))
                .build()));
        refused.put("not yet", hs256(secret, claims("a").notBeforeTime(Date.from(Instant.now().plusSeconds(120)))
                .build()));
        refused.put("issuer", hs256(secret, claims("a").issuer("https://other.example").build()));
        refused.put("audience", hs256(secret, claims("a").audience("other").build()));
        refused.put("no exp", hs256(secret, new JWTClaimsSet.Builder().subject("a").issuer(ISSUER).audience("chat")
                .build()));
        refused.put("no sub", hs256(secret, new JWTClaimsSet.Builder().issuer(ISSUER).audience("chat")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()));
        refused.put("other key", hs256(secret(), claims("a").build()));
        refused.put("unsigned", new PlainJWT(new PlainHeader(), claims("a").build()).serialize());
        refused.put("garbage", "a.b.c");
        refused.put("huge", "x".repeat(20_000));
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Authenticator.Authentication a = auth.authenticate(cookie(e.getValue()));
            assertThat(a.admitted()).as(e.getKey()).isFalse();
            assertThat(a.reason()).as(e.getKey()).doesNotContain(e.getValue());
        }
        assertThat(auth.authenticate(handshake(Map.of(), Map.of())).admitted()).isFalse();
        assertThat(auth.authenticate(handshake(Map.of("Authorization", "Basic YTpi"), Map.of())).admitted())
                .isFalse();
    }

    @Test
    void aJwkSetAndAnIdentityProvidersJwkSetUrlAndNoAlgorithmConfusion() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                .type(JOSEObjectType.JWT).build(), claims("carol").build());
        jwt.sign(new RSASSASigner(rsa));
        String token = jwt.serialize();
        String publicSet = new JWKSet(rsa.toPublicJWK()).toString();

        JwtAuthenticator fromSet = JwtAuthenticator.builder().jwkSet(new JWKSet(rsa).toString(false)).issuer(ISSUER)
                .build();
        assertThat(fromSet.authenticate(cookie(token)).principal()).isEqualTo("carol");
        // an HMAC token "signed" with the public key's bytes must not pass against RSA keys
        String confused = hs256(rsa.toPublicJWK().toRSAPublicKey().getEncoded(), claims("mallory").build());
        assertThat(fromSet.authenticate(cookie(confused)).admitted()).isFalse();

        HttpServer idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger fetches = new AtomicInteger();
        idp.createContext("/jwks", ex -> {
            fetches.incrementAndGet();
            byte[] body = publicSet.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        idp.start();
        try {
            JwtAuthenticator fromUrl = JwtAuthenticator.builder().jwkSetUrl(URI.create("http://127.0.0.1:"
                    + idp.getAddress().getPort() + "/jwks")).issuer(ISSUER).audience("chat").build();
            for (int i = 0; i < 5; i++) {
                assertThat(fromUrl.authenticate(cookie(token)).principal()).isEqualTo("carol");
            }
            assertThat(fetches.get()).as("the JWK set is fetched once and cached").isEqualTo(1);
            assertThat(fromUrl.authenticate(cookie(confused)).admitted()).isFalse();
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void aBuilderWithoutExactlyOneKeySourceOrWithAShortSecretIsRefused() {
        assertThatThrownBy(() -> JwtAuthenticator.builder().build()).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(secret()).jwkSetUrl(URI.create(
                "https://idp.example/jwks")).build()).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder().hmacSecret(new byte[16]))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder().jwkSet("{not json")).isInstanceOf(
                ConfigurationException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder().jwkSetUrl(URI.create("file:///etc/passwd")))
                .isInstanceOf(ConfigurationException.class);
    }
}
