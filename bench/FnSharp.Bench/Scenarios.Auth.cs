using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Bench;

/// <summary>Scenario 8: the cost of API keys on the invoke path, a stored invoke key against <c>FN_AUTH=off</c>.</summary>
internal sealed partial class Scenarios
{
    /// <summary>
    /// The same warm load against <paramref name="keyed"/> (keys required; every call carries a stored
    /// <c>invoke</c> key, so each is checked against the store) and <paramref name="open"/> (<c>FN_AUTH=off</c>),
    /// in rounds of open, keyed, open again at each level of connections, compared as the call records are.
    /// </summary>
    public async Task AuthCostAsync(ServerProcess keyed, ServerProcess open, CancellationToken cancellationToken)
    {
        var keyedFn = await CreateWarmFnAsync(keyed, cancellationToken);
        var openFn = await CreateWarmFnAsync(open, cancellationToken);

        // The admin token made the app and fn; the load carries an invoke key of the store, as a service would.
        var api = new FnSharpClient(keyed.Http);
        var fn = await api.GetFnAsync(keyedFn, cancellationToken);
        var key = await api.CreateKeyAsync("bench invoke", [KeyScopes.ForApp(KeyScopes.Invoke, fn.AppId)], cancellationToken);
        keyed.CallAuthorization = "Bearer " + key.Token;

        var warmupSeconds = Math.Max(5, settings.WrkSeconds);
        var levels = new JsonArray();
        foreach (var connections in settings.RecordConnections)
        {
            await Wrk.RunAsync(InvokeUrl(keyed, keyedFn), connections, warmupSeconds, Body, cancellationToken, keyed.CallAuthorization);
            await Wrk.RunAsync(InvokeUrl(open, openFn), connections, warmupSeconds, Body, cancellationToken);
            var rounds = new List<AbaRound>();
            var runs = new JsonArray();
            for (var round = 1; round <= settings.RecordRounds; round++)
            {
                var before = await MeasureLoadAsync(open, openFn, connections, "off", round, runs, cancellationToken);
                var withKeys = await MeasureLoadAsync(keyed, keyedFn, connections, "key", round, runs, cancellationToken);
                var after = await MeasureLoadAsync(open, openFn, connections, "off", round, runs, cancellationToken);
                rounds.Add(new AbaRound(before.Sample, withKeys.Sample, after.Sample));
            }

            var comparison = RecordsComparison.Compare(rounds);
            var keyedRuns = rounds.Select(r => r.On).ToList();
            var openRuns = rounds.SelectMany(r => new[] { r.OffBefore, r.OffAfter }).ToList();
            levels.Add(new JsonObject
            {
                ["connections"] = connections,
                ["keys_median"] = ToJson(Medians(keyedRuns)),
                ["auth_off_median"] = ToJson(Medians(openRuns)),
                ["runs"] = runs,
            });
            var level = connections == 1 ? "1 connection" : $"{connections} connections";
            report.Add("8 api keys", $"{level}: stored invoke key (median of {keyedRuns.Count})", Describe(Medians(keyedRuns)),
                $"FN_AUTH=off (median of {openRuns.Count}): {Describe(Medians(openRuns))}", DescribeComparison(comparison).Replace("on/off", "key/off", StringComparison.Ordinal));
        }

        report.Json["api_keys"] = new JsonObject
        {
            ["method"] = "two servers started together, each with memory for one container: one with FN_ADMIN_TOKEN whose load carries a stored invoke key (checked against the SQLite store on every call), one with FN_AUTH=off; "
                + $"per level a {warmupSeconds} s warm-up on each, then {settings.RecordRounds} rounds of wrk {settings.WrkSeconds} s against off, key, off again; ratios as in scenario 7",
            ["levels"] = levels,
        };
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: api keys compared at {settings.RecordConnections.Count} level(s)"));
    }
}
