using System.Net;
using FnSharp.Server.Auth;
using FnSharp.Server.Hosting;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Auth;

/// <summary>Keys, revocation, safe-by-default start-up, rate limits, allowed images and the audit log, through the real pipeline.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AuthBehaviourTests
{
    [Fact]
    public async Task Request_FnCliBearerHeader_Accepted()
    {
        await using var harness = new AuthHarness();
        var (_, token) = await harness.CreateKeyAsync("fn cli", "admin");

        // The exact header go-openapi's BearerToken (Fn's CLI and fn_go) writes: "Authorization: Bearer " + token.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v2/apps", UriKind.Relative));
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token));
        var reply = await harness.SendAsync(request);
        var lowerCase = await harness.SendAsync(WithAuthorization("/v2/apps", "bearer " + token));
        var basic = await harness.SendAsync(WithAuthorization("/v2/apps", "Basic dXNlcjpwYXNz"));

        Assert.Equal(200, reply.Status);
        Assert.Equal(200, lowerCase.Status);
        Assert.Equal(401, basic.Status);
        Assert.Equal("Unsupported Authorization scheme: send 'Authorization: Bearer <token>'", basic.Message);
    }

    [Fact]
    public async Task Request_NoKey_401WithChallengeAndMessage()
    {
        await using var harness = new AuthHarness();

        var reply = await harness.SendAsync("GET", "/v2/apps", null);

        Assert.Equal(401, reply.Status);
        Assert.Equal("Bearer realm=\"fnsharp\"", reply.Header("WWW-Authenticate"));
        Assert.Equal("Missing API key: send the header 'Authorization: Bearer <token>' (the fnsharp CLI: --token or FN_TOKEN)", reply.Message);
    }

    [Fact]
    public async Task RevokeKey_ThroughOneNode_RefusedAtOnceOnAnotherSharingTheStore()
    {
        await using var first = new AuthHarness();
        var (id, token) = await first.CreateKeyAsync("ci", "admin");
        await using var second = new AuthHarness(first.Api.Server.DataDirectory);
        Assert.Equal(200, (await second.SendAsync("GET", "/v2/apps", token)).Status);

        Assert.Equal(204, (await first.SendAsync("DELETE", $"/v2/keys/{id}", token)).Status);
        var onSecond = await second.SendAsync("GET", "/v2/apps", token);
        var onFirst = await first.SendAsync("GET", "/v2/apps", token);

        Assert.Equal(401, onSecond.Status);
        Assert.Equal("API key revoked", onSecond.Message);
        Assert.Equal(401, onFirst.Status);
    }

    [Fact]
    public async Task CreateKey_TokenShownOnce_ListAndGetNeverShowIt()
    {
        await using var harness = new AuthHarness();
        var (id, token) = await harness.CreateKeyAsync("ci", "admin");

        var list = await harness.SendAsync("GET", "/v2/keys", AuthHarness.AdminToken);
        var get = await harness.SendAsync("GET", $"/v2/keys/{id}", AuthHarness.AdminToken);

        Assert.StartsWith($"fns_{id}_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token[^20..], list.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("token", get.Text, StringComparison.Ordinal);
        Assert.Equal("ci", get.Json!.Value.GetProperty("name").GetString());
        Assert.Equal(["admin"], get.Json!.Value.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(AuthHarness.AdminToken.Length > 0 ? Caller.AdminTokenId : "", get.Json!.Value.GetProperty("created_by").GetString());
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":[]}""", "A key needs 1 to 100 scopes: admin, deploy:<app id> or invoke:<app id>")]
    [InlineData("""{"name":"x","scopes":["root"]}""", "Invalid scope 'root': use admin, deploy:<app id> or invoke:<app id>")]
    [InlineData("""{"name":"x","scopes":["deploy:01JNOAPP00000000000000000"]}""", "Invalid scope 'deploy:01JNOAPP00000000000000000': no app has the id or name 01JNOAPP00000000000000000")]
    [InlineData("""{"name":"","scopes":["admin"]}""", "Invalid key name: use 1 to 255 printable characters, for example \"ci deploys\"")]
    public async Task CreateKey_BadBody_400NamingTheProblem(string body, string message)
    {
        await using var harness = new AuthHarness();

        var reply = await harness.SendAsync("POST", "/v2/keys", AuthHarness.AdminToken, body);

        Assert.Equal(400, reply.Status);
        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task CreateKey_ScopesNotAnArray_InvalidJsonDetailSaysAnArrayOfStrings()
    {
        await using var harness = new AuthHarness();

        var reply = await harness.SendAsync("POST", "/v2/keys", AuthHarness.AdminToken, """{"name":"k","scopes":"admin"}""");

        Assert.Equal((400, "Invalid JSON", "scopes must be an array of strings."), (reply.Status, reply.Message, reply.Json!.Value.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Start_PublicAddressWithoutKey_RefusesSayingHowToCreateOne()
    {
        await using var harness = new AuthHarness(adminToken: false);
        harness.Settings["FN_LISTEN_ADDRESS"] = "0.0.0.0";
        Exception? startFailure = null;
        harness.Api.Server.TestServices = services =>
        {
            // The host disposes itself after a failed start; the wrapper keeps what the check threw.
            var check = services.Single(d => d.ImplementationType == typeof(AuthStartup));
            services.Remove(check);
            services.AddSingleton<IStartupCheck>(sp => new RecordingStartupCheck(ActivatorUtilities.CreateInstance<AuthStartup>(sp), e => startFailure = e));
        };

        await Assert.ThrowsAnyAsync<Exception>(() => harness.SendAsync("GET", "/version", null));

        var refused = Assert.IsType<OptionsValidationException>(startFailure);
        var failure = Assert.Single(refused.Failures);
        Assert.Contains("no API key exists and FN_LISTEN_ADDRESS=0.0.0.0 is not loopback", failure, StringComparison.Ordinal);
        Assert.Contains("fnsharp-server keys create --scope admin", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FN_AUTH", "off")]
    [InlineData("FN_ADMIN_TOKEN", AuthHarness.AdminToken)]
    public async Task Start_PublicAddressWithKeyOrAuthOff_Starts(string setting, string value)
    {
        await using var harness = new AuthHarness(adminToken: false);
        harness.Settings["FN_LISTEN_ADDRESS"] = "0.0.0.0";
        harness.Settings[setting] = value;

        var reply = await harness.SendAsync("GET", "/v2/apps", setting == "FN_AUTH" ? null : value);

        Assert.Equal(200, reply.Status);
    }

    [Fact]
    public async Task OpenServer_ConnectionNotOnLoopback_401()
    {
        await using var harness = new AuthHarness(adminToken: false);
        harness.Api.Server.TestServices = services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new LocalAddressFilter(IPAddress.Parse("192.0.2.10")));

        var reply = await harness.SendAsync("GET", "/v2/apps", null);
        var health = await harness.SendAsync("GET", "/health/live", null);

        Assert.Equal(401, reply.Status);
        Assert.StartsWith("This server has no API key yet and serves only loopback connections", reply.Message, StringComparison.Ordinal);
        Assert.Equal(200, health.Status);
    }

    [Fact]
    public async Task OpenServer_FirstKeyCreated_KeysRequiredAtOnce()
    {
        await using var harness = new AuthHarness(adminToken: false);
        Assert.Equal(200, (await harness.SendAsync("GET", "/v2/apps", null)).Status);

        var key = AuthHarness.Ok(await harness.SendAsync("POST", "/v2/keys", null, """{"name":"first","scopes":["admin"]}"""));

        Assert.Equal(401, (await harness.SendAsync("GET", "/v2/apps", null)).Status);
        Assert.Equal(200, (await harness.SendAsync("GET", "/v2/apps", key.GetProperty("token").GetString())).Status);
    }

    [Fact]
    public async Task Invoke_WithKey_FunctionNeverSeesTheKey_PublicTriggerPassesItsHeader()
    {
        await using var harness = new AuthHarness();
        var app = await harness.CreateAppAsync("app");
        var fn = await harness.CreateFnAsync(app, "fn");
        await harness.CreateTriggerAsync(app, fn, "hook", "/hook");
        harness.Api.Driver.SetHandler(fn, context => context.Response.WriteAsync(context.Request.Headers.Authorization.ToString() + "|" + context.Request.Headers["Fn-Http-H-Authorization"]));

        var invoked = await harness.SendAsync("POST", $"/invoke/{fn}", AuthHarness.AdminToken, "x");
        var triggered = await harness.SendAsync("POST", "/t/app/hook", "webhook-secret", "x");

        Assert.Equal(200, invoked.Status);
        Assert.Equal("|", invoked.Text);
        Assert.Equal(200, triggered.Status);
        Assert.Equal("|Bearer webhook-secret", triggered.Text);
    }

    [Fact]
    public async Task KeyRateLimit_FakeClock_429WithRetryAfterThenReplenished()
    {
        await using var harness = new AuthHarness();
        harness.Settings["FN_KEY_REQUESTS_PER_SEC"] = "2";
        var (_, token) = await harness.CreateKeyAsync("ci", "admin");

        var first = await harness.SendAsync("GET", "/v2/apps", token);
        var second = await harness.SendAsync("GET", "/v2/apps", token);
        var refused = await harness.SendAsync("GET", "/v2/apps", token);
        harness.Api.Time.Advance(TimeSpan.FromMilliseconds(500));
        var afterHalfSecond = await harness.SendAsync("GET", "/v2/apps", token);
        var refusedAgain = await harness.SendAsync("GET", "/v2/apps", token);
        var otherKey = await harness.SendAsync("GET", "/v2/apps", AuthHarness.AdminToken);

        Assert.Equal([200, 200, 429, 200, 429, 200], new[] { first, second, refused, afterHalfSecond, refusedAgain, otherKey }.Select(r => r.Status));
        Assert.Equal("1", refused.Header("Retry-After"));
        Assert.StartsWith("Rate limit of API key ", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith(": 2 requests per second on this node (FN_KEY_REQUESTS_PER_SEC); retry after 1 s", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppRateLimit_Annotation_CountsCallsOfThatAppOnly()
    {
        await using var harness = new AuthHarness();
        var limited = await harness.CreateAppAsync("limited", ""","annotations":{"fnsharp.io/rate-limit":1}""");
        var other = await harness.CreateAppAsync("other");
        await harness.CreateTriggerAsync(limited, await harness.CreateFnAsync(limited, "fn"), "hook", "/hook");
        await harness.CreateTriggerAsync(other, await harness.CreateFnAsync(other, "fn"), "hook", "/hook");

        var first = await harness.SendAsync("POST", "/t/limited/hook", null, "x");
        var refused = await harness.SendAsync("POST", "/t/limited/hook", null, "x");
        var otherApp = await harness.SendAsync("POST", "/t/other/hook", null, "x");
        harness.Api.Time.Advance(TimeSpan.FromSeconds(1));
        var replenished = await harness.SendAsync("POST", "/t/limited/hook", null, "x");

        Assert.Equal([200, 429, 200, 200], new[] { first, refused, otherApp, replenished }.Select(r => r.Status));
        Assert.Equal("1", refused.Header("Retry-After"));
        Assert.Equal("Rate limit of app limited: 1 calls per second on this node; retry after 1 s", refused.Message);
    }

    [Theory]
    [InlineData("""{"name":"a","annotations":{"fnsharp.io/rate-limit":-1}}""", "/v2/apps")]
    [InlineData("""{"name":"a","annotations":{"fnsharp.io/rate-limit":"fast"}}""", "/v2/apps")]
    public async Task CreateApp_BadRateLimitAnnotation_400(string body, string path)
    {
        await using var harness = new AuthHarness();

        var reply = await harness.SendAsync("POST", path, AuthHarness.AdminToken, body);

        Assert.Equal(400, reply.Status);
        Assert.Equal("Invalid annotation fnsharp.io/rate-limit: use a whole number of calls per second per node from 0 (no limit) to 1000000", reply.Message);
    }

    [Fact]
    public async Task CreateTrigger_BadAuthAnnotation_400()
    {
        await using var harness = new AuthHarness();
        var app = await harness.CreateAppAsync("app");
        var fn = await harness.CreateFnAsync(app, "fn");

        var reply = await harness.SendAsync("POST", "/v2/triggers", AuthHarness.AdminToken, $$$"""{"app_id":"{{{app}}}","fn_id":"{{{fn}}}","name":"t","type":"http","source":"/t","annotations":{"fnsharp.io/auth":"yes"}}""");

        Assert.Equal(400, reply.Status);
        Assert.Equal("Invalid annotation fnsharp.io/auth: use \"key\" (calls need an invoke key of the app) or \"public\" (the default)", reply.Message);
    }

    [Fact]
    public async Task AllowedImages_CreateAndUpdateOutsideThePatterns_400()
    {
        await using var harness = new AuthHarness();
        harness.Settings["FN_ALLOWED_IMAGES"] = "fnsharp/*, registry.example.com/team/*";
        var app = await harness.CreateAppAsync("app");

        var allowed = await harness.SendAsync("POST", "/v2/fns", AuthHarness.AdminToken, $$"""{"app_id":"{{app}}","name":"ok","image":"fnsharp/test:1"}""");
        var refused = await harness.SendAsync("POST", "/v2/fns", AuthHarness.AdminToken, $$"""{"app_id":"{{app}}","name":"no","image":"evil/miner:1"}""");
        var fnId = allowed.Json!.Value.GetProperty("id").GetString();
        var update = await harness.SendAsync("PUT", $"/v2/fns/{fnId}", AuthHarness.AdminToken, """{"image":"alpine"}""");
        var unchangedImage = await harness.SendAsync("PUT", $"/v2/fns/{fnId}", AuthHarness.AdminToken, """{"memory":256}""");

        Assert.Equal(200, allowed.Status);
        Assert.Equal(400, refused.Status);
        Assert.Equal("Image 'evil/miner:1' is not allowed on this server: FN_ALLOWED_IMAGES allows fnsharp/*, registry.example.com/team/*", refused.Message);
        Assert.Equal(400, update.Status);
        Assert.Equal(200, unchangedImage.Status);
    }

    [Fact]
    public async Task Audit_ChangesRecordedWithKey_ReadsFailuresAndCallsNot_PrunedAfterMaxAge()
    {
        await using var harness = new AuthHarness();
        harness.Settings["FN_AUDIT_MAX_AGE_SECS"] = "60";
        var (keyId, token) = await harness.CreateKeyAsync("deployer", "admin");
        var app = AuthHarness.Ok(await harness.SendAsync("POST", "/v2/apps", token, """{"name":"audited"}""")).GetProperty("id").GetString();
        Assert.Equal(409, (await harness.SendAsync("POST", "/v2/apps", token, """{"name":"audited"}""")).Status);
        var fn = await harness.CreateFnAsync(app!, "fn");
        await harness.SendAsync("GET", "/v2/apps", token);
        await harness.SendAsync("POST", $"/invoke/{fn}", token, "x");
        Assert.Equal(204, (await harness.SendAsync("DELETE", $"/v2/apps/{app}", token)).Status);

        var entries = AuthHarness.Ok(await harness.SendAsync("GET", $"/v2/audit?key_id={keyId}", AuthHarness.AdminToken)).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["DELETE /v2/apps/{appID}", "POST /v2/apps/"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("deployer", e.GetProperty("key_name").GetString()));
        Assert.All(entries, e => Assert.Equal(app, e.GetProperty("resource_id").GetString()));
        Assert.Equal(200, entries[1].GetProperty("status").GetInt32());
        Assert.Equal(204, entries[0].GetProperty("status").GetInt32());

        // Two minutes: past the maximum age, before the pruner's own hourly round.
        harness.Api.Time.Advance(TimeSpan.FromMinutes(2));
        var pruned = await harness.Api.Server.Services.GetRequiredService<AuditPruner>().PruneAsync(CancellationToken.None);
        Assert.True(pruned >= 2, $"pruned {pruned}");
        Assert.Empty(AuthHarness.Ok(await harness.SendAsync("GET", $"/v2/audit?key_id={keyId}", AuthHarness.AdminToken)).GetProperty("items").EnumerateArray());
    }

    private sealed class RecordingStartupCheck(IStartupCheck inner, Action<Exception> record) : IStartupCheck
    {
        public async Task CheckAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.CheckAsync(cancellationToken);
            }
            catch (Exception e)
            {
                record(e);
                throw;
            }
        }
    }

    private static HttpRequestMessage WithAuthorization(string path, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", value);
        return request;
    }

    /// <summary>Makes every connection look as if it reached <paramref name="address"/>, as a real socket on another interface would.</summary>
    private sealed class LocalAddressFilter(IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                context.Connection.LocalIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
