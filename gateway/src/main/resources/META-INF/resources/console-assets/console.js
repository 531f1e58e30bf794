// The console's only script: draws the metric charts and applies live events. No framework, no build.
(function () {
  'use strict';

  function drawCharts() {
    var source = document.getElementById('chart-data');
    if (!source || typeof echarts === 'undefined') { return; }
    var data = JSON.parse(source.textContent);
    var versions = data.versions.map(function (v) { return 'v' + v; });
    [['accuracy', 'accuracy-chart', 'Accuracy per task'], ['auc', 'auc-chart', 'AUC per task']].forEach(function (spec) {
      var series = Object.keys(data.tasks).map(function (task) {
        var s = { name: task, type: 'line', data: data.tasks[task][spec[0]] || [], connectNulls: true };
        // The gate's accuracy limit for the next version, per task.
        if (spec[0] === 'accuracy' && data.gate[task] !== undefined) {
          s.markLine = { symbol: 'none', lineStyle: { type: 'dashed' },
            label: { formatter: 'gate ' + task }, data: [{ yAxis: data.gate[task] }] };
        }
        return s;
      });
      var chart = echarts.init(document.getElementById(spec[1]), null, { renderer: 'svg' });
      chart.setOption({
        animation: false,
        title: { text: spec[2], textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'axis' },
        legend: { top: 22 },
        grid: { top: 60, right: 100 },
        xAxis: { type: 'category', data: versions },
        // The gate's limit lies below the head's accuracy: keep it inside the plot.
        yAxis: { type: 'value', scale: true, min: function (extent) {
          var limits = spec[0] === 'accuracy' ? Object.keys(data.gate).map(function (t) { return data.gate[t]; }) : [];
          return Math.floor(Math.min.apply(null, limits.concat([extent.min])) * 100 - 1) / 100;
        } },
        series: series
      });
    });
  }

  function row(table, submission) {
    var tr = table.querySelector('tr[data-submission="' + CSS.escape(submission.submissionId) + '"]');
    if (!tr) {
      tr = document.createElement('tr');
      tr.setAttribute('data-submission', submission.submissionId);
      ['id', 'branch', 'stage', 'detail', 'history'].forEach(function () { tr.appendChild(document.createElement('td')); });
      tr.children[0].textContent = submission.submissionId;
      // The same classes as the rows the server renders.
      tr.children[3].className = 'detail';
      var link = document.createElement('a');
      link.href = '/console/branches/' + encodeURIComponent(submission.branch);
      link.textContent = submission.branch;
      tr.children[1].appendChild(link);
      tr.children[4].appendChild(document.createElement('ol')).className = 'history';
      table.tBodies[0].insertBefore(tr, table.tBodies[0].firstChild);
    }
    return tr;
  }

  function live() {
    var submissions = document.getElementById('submissions');
    var branch = document.getElementById('branch');
    if (!submissions && !branch) { return; }
    var status = document.getElementById('live');
    var words = document.getElementById('stage-meanings');
    var meanings = words ? JSON.parse(words.textContent) : {};
    var events = new EventSource('/console/events');
    events.addEventListener('connected', function () { if (status) { status.textContent = 'live'; } });
    events.addEventListener('submission.status', function (e) {
      if (!submissions) { return; }
      var envelope = JSON.parse(e.data);
      var s = envelope.data;
      var tr = row(submissions, s);
      tr.children[2].textContent = s.stage;
      tr.children[2].className = 'stage stage-' + s.stage;
      tr.children[3].textContent = (meanings[s.stage] || s.stage) + (s.detail ? ' — ' + s.detail : '');
      var step = document.createElement('li');
      step.textContent = s.stage + ' · ' + envelope.time + (s.detail ? ' · ' + s.detail : '');
      tr.querySelector('ol').appendChild(step);
    });
    events.addEventListener('model.published', function (e) {
      // A new version of the branch on screen: read the page again, tables, lineage and charts at once.
      if (branch && JSON.parse(e.data).data.branch === branch.getAttribute('data-branch')) { window.location.reload(); }
    });
    events.onerror = function () { if (status) { status.textContent = 'reconnecting…'; } };
  }

  drawCharts();
  live();
}());
