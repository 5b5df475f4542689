using FnSharp.Server.Auth;
using FnSharp.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Auth;

/// <summary>
/// Every route of the server, with no key, a wrong key, a malformed one, a revoked key, <c>FN_ADMIN_TOKEN</c>
/// and each scope: the table below says who may pass (anyone else gets 401, or 403 naming the scope), and a
/// route the table does not list, or that has no authorization rule, fails <see cref="Endpoints_EveryRouteHasARuleAndARowInTheTable"/>.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RouteAuthorizationTests
{
    /// <summary>Who may pass a route.</summary>
    public enum Allowed
    {
        /// <summary>Anyone, with or without a key.</summary>
        Public,

        /// <summary>Admin keys only.</summary>
        Admin,

        /// <summary>Admin, and deploy keys of app A.</summary>
        DeployA,

        /// <summary>Admin, and deploy or invoke keys of app A.</summary>
        InvokeA,

        /// <summary>Admin, and deploy keys of any app (a list filtered to the key's apps).</summary>
        DeployAny,
    }

    /// <summary>The credentials each route is tried with.</summary>
    public enum Credential
    {
        None,
        Wrong,
        Malformed,
        Revoked,
        InvokeB,
        DeployB,
        InvokeA,
        DeployA,
        Admin,
        AdminToken,
    }

    /// <summary>One request per row: the route (method and pattern, as the endpoint declares them), a path and body, and who may pass.</summary>
    public static readonly (string Method, string Pattern, string Path, string? Body, Allowed Allowed)[] Routes =
    [
        ("GET", "/", "/", null, Allowed.Public),
        ("GET", "/version", "/version", null, Allowed.Public),
        ("*", "/health/live", "/health/live", null, Allowed.Public),
        ("*", "/health/ready", "/health/ready", null, Allowed.Public),
        ("*", "/metrics", "/metrics", null, Allowed.Admin),
        ("POST", "/v2/apps", "/v2/apps", """{"name":"new-{n}"}""", Allowed.Admin),
        ("GET", "/v2/apps", "/v2/apps", null, Allowed.DeployAny),
        ("GET", "/v2/apps/{appID}", "/v2/apps/{A}", null, Allowed.DeployA),
        ("PUT", "/v2/apps/{appID}", "/v2/apps/{A}", """{"config":{"k":"v"}}""", Allowed.Admin),
        ("DELETE", "/v2/apps/{appID}", "/v2/apps/{A}", null, Allowed.Admin),
        ("POST", "/v2/fns", "/v2/fns", """{"app_id":"{A}","name":"new-{n}","image":"fnsharp/test:1"}""", Allowed.DeployA),
        ("GET", "/v2/fns", "/v2/fns", null, Allowed.DeployAny),
        ("GET", "/v2/fns", "/v2/fns?app_id={A}", null, Allowed.DeployA),
        ("GET", "/v2/fns/{fnID}", "/v2/fns/{FA}", null, Allowed.DeployA),
        ("PUT", "/v2/fns/{fnID}", "/v2/fns/{FA}", """{"memory":256}""", Allowed.DeployA),
        ("DELETE", "/v2/fns/{fnID}", "/v2/fns/{FA}", null, Allowed.DeployA),
        ("GET", "/v2/fns/{fnID}/calls", "/v2/fns/{FA}/calls", null, Allowed.DeployA),
        ("GET", "/v2/fns/{fnID}/calls/{callID}", "/v2/fns/{FA}/calls/01JNOCALL0000000000000000", null, Allowed.DeployA),
        ("GET", "/v2/fns/{fnID}/calls/{callID}/log", "/v2/fns/{FA}/calls/01JNOCALL0000000000000000/log", null, Allowed.DeployA),
        ("POST", "/v2/fns/{fnID}/calls/{callID}/redrive", "/v2/fns/{FA}/calls/01JNOCALL0000000000000000/redrive", null, Allowed.DeployA),
        ("POST", "/v2/triggers", "/v2/triggers", """{"app_id":"{A}","fn_id":"{FA}","name":"new-{n}","type":"http","source":"/new-{n}"}""", Allowed.DeployA),
        ("GET", "/v2/triggers", "/v2/triggers", null, Allowed.DeployAny),
        ("GET", "/v2/triggers", "/v2/triggers?app_id={A}", null, Allowed.DeployA),
        ("GET", "/v2/triggers/{triggerID}", "/v2/triggers/{TA}", null, Allowed.DeployA),
        ("PUT", "/v2/triggers/{triggerID}", "/v2/triggers/{TA}", """{"annotations":{"team":"x"}}""", Allowed.DeployA),
        ("DELETE", "/v2/triggers/{triggerID}", "/v2/triggers/{TA}", null, Allowed.DeployA),
        ("POST", "/invoke/{fnID}", "/invoke/{FA}", "hello", Allowed.InvokeA),
        ("*", "/t/{appName}", "/t/app-a", "hello", Allowed.InvokeA),
        ("*", "/t/{appName}/{**source}", "/t/app-a/keyed", "hello", Allowed.InvokeA),
        ("*", "/t/{appName}/{**source}", "/t/app-a/public", "hello", Allowed.Public),
        ("POST", "/v2/keys", "/v2/keys", """{"name":"new","scopes":["admin"]}""", Allowed.Admin),
        ("GET", "/v2/keys", "/v2/keys", null, Allowed.Admin),
        ("GET", "/v2/keys/{keyID}", "/v2/keys/{K}", null, Allowed.Admin),
        ("DELETE", "/v2/keys/{keyID}", "/v2/keys/{K}", null, Allowed.Admin),
        ("GET", "/v2/audit", "/v2/audit", null, Allowed.Admin),
        ("GET", "/v2/stats", "/v2/stats", null, Allowed.Admin),
        ("GET", "/v2/nodes", "/v2/nodes", null, Allowed.Admin),
        ("GET", "/v2/fns/{fnID}/stats", "/v2/fns/{FA}/stats", null, Allowed.DeployA),
        ("GET", "/ui/{**path}", "/ui/", null, Allowed.Public),
        ("HEAD", "/ui/{**path}", "/ui/index.html", null, Allowed.Public),
    ];

    public static TheoryData<int> RouteRows() => [.. Enumerable.Range(0, Routes.Length)];

    [Fact]
    public async Task Endpoints_EveryRouteHasARuleAndARowInTheTable()
    {
        await using var harness = new AuthHarness();
        await harness.SendAsync("GET", "/version", null);
        var endpoints = harness.Api.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var withoutRule = endpoints
            .Where(e => e.Metadata.GetMetadata<RouteAccess>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        // A group's route "" is its prefix with a slash after it.
        static string Normalize(string? pattern) => pattern is null or "/" ? pattern ?? "" : pattern.TrimEnd('/');
        var declared = endpoints
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText)}"))
            .ToHashSet();
        var tested = Routes.Select(r => $"{r.Method} {r.Pattern}").ToHashSet();

        Assert.True(withoutRule.Count == 0, "Routes without an authorization rule (declare RequireAdmin, RequireAppScope, RequireScopeOnSomeApp, RequireKeyWhenTriggerAsks or AllowAnonymous): " + string.Join(", ", withoutRule));
        Assert.True(declared.SetEquals(tested), $"Routes not in this test's table: {string.Join(", ", declared.Except(tested))}; rows of no route: {string.Join(", ", tested.Except(declared))}");
    }

    [Theory]
    [MemberData(nameof(RouteRows))]
    public async Task Route_EachCredential_PassesOrIsRefusedAsTheTableSays(int row)
    {
        var (method, _, pathTemplate, bodyTemplate, allowed) = Routes[row];
        await using var harness = new AuthHarness();
        var world = await World.CreateAsync(harness);

        // The refused first, so that a DELETE by an allowed key cannot change their answer.
        var n = 0;
        foreach (var credential in Enum.GetValues<Credential>().OrderBy(c => IsAllowed(allowed, c)))
        {
            n++;
            var reply = await harness.SendAsync(method != "*" ? method : bodyTemplate is null ? "GET" : "POST", world.Fill(pathTemplate, n), world.TokenOf(credential), bodyTemplate is null ? null : world.Fill(bodyTemplate, n));
            var what = $"{method} {pathTemplate} with {credential}: {reply.Status} {reply.Text}";
            if (IsAllowed(allowed, credential))
            {
                Assert.True(reply.Status is not 401 and not 403, what);
            }
            else if (credential is Credential.None or Credential.Wrong or Credential.Malformed or Credential.Revoked)
            {
                Assert.True(reply.Status == 401, what);
                Assert.StartsWith("Bearer realm=\"fnsharp\"", reply.Header("WWW-Authenticate"), StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(reply.Message), what);
            }
            else
            {
                Assert.True(reply.Status == 403, what);
                Assert.Contains(allowed switch
                {
                    Allowed.Admin => "scope needed: admin",
                    Allowed.InvokeA => $"scope needed: invoke:{world.AppA}",
                    Allowed.DeployAny => "scope needed: deploy:<app id>",
                    _ => "scope needed: deploy:",
                }, reply.Message, StringComparison.Ordinal);
            }
        }
    }

    private static bool IsAllowed(Allowed allowed, Credential credential) => credential switch
    {
        _ when allowed == Allowed.Public => true,
        Credential.Admin or Credential.AdminToken => true,
        Credential.DeployA => allowed is Allowed.DeployA or Allowed.InvokeA or Allowed.DeployAny,
        Credential.InvokeA => allowed is Allowed.InvokeA,
        Credential.DeployB => allowed is Allowed.DeployAny,
        _ => false,
    };

    /// <summary>Apps A and B, a fn of A with a keyed trigger on <c>/</c> and <c>/keyed</c> and a public one on <c>/public</c>, and a key per credential.</summary>
    private sealed record World(string AppA, string FnA, string TriggerA, string SpareKey, Dictionary<Credential, string?> Tokens)
    {
        public static async Task<World> CreateAsync(AuthHarness harness)
        {
            var appA = await harness.CreateAppAsync("app-a");
            var appB = await harness.CreateAppAsync("app-b");
            var fnA = await harness.CreateFnAsync(appA, "fn-a");
            const string keyed = ""","annotations":{"fnsharp.io/auth":"key"}""";
            var triggerA = await harness.CreateTriggerAsync(appA, fnA, "root", "/", keyed);
            await harness.CreateTriggerAsync(appA, fnA, "keyed", "/keyed", keyed);
            await harness.CreateTriggerAsync(appA, fnA, "public", "/public");
            var admin = await harness.CreateKeyAsync("admin", "admin");
            var revoked = await harness.CreateKeyAsync("revoked", "admin");
            Assert.Equal(204, (await harness.SendAsync("DELETE", $"/v2/keys/{revoked.Id}", AuthHarness.AdminToken)).Status);
            var spare = await harness.CreateKeyAsync("spare", $"invoke:{appB}");
            return new World(appA, fnA, triggerA, spare.Id, new()
            {
                [Credential.None] = null,
                [Credential.Wrong] = $"{ApiTokens.Prefix}{admin.Id}_{new string('x', 43)}",
                [Credential.Malformed] = "not-a-token",
                [Credential.Revoked] = revoked.Token,
                [Credential.InvokeB] = (await harness.CreateKeyAsync("invoke b", $"invoke:{appB}")).Token,
                [Credential.DeployB] = (await harness.CreateKeyAsync("deploy b", $"deploy:{appB}")).Token,
                [Credential.InvokeA] = (await harness.CreateKeyAsync("invoke a", $"invoke:{appA}")).Token,
                [Credential.DeployA] = (await harness.CreateKeyAsync("deploy a", $"deploy:{appA}")).Token,
                [Credential.Admin] = admin.Token,
                [Credential.AdminToken] = AuthHarness.AdminToken,
            });
        }

        public string? TokenOf(Credential credential) => Tokens[credential];

        public string Fill(string template, int n) => template
            .Replace("{A}", AppA, StringComparison.Ordinal)
            .Replace("{FA}", FnA, StringComparison.Ordinal)
            .Replace("{TA}", TriggerA, StringComparison.Ordinal)
            .Replace("{K}", SpareKey, StringComparison.Ordinal)
            .Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
