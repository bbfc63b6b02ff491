'use strict';
// synfin export: steps through the replay serialised in #data. Every text
// shown comes from that JSON and is set with textContent; only the two
// SVG drawings, written and escaped by synfin, are inserted as markup.

// parseFragment reads "#conn=N&step=K" (either part may be missing or
// invalid: it is then null).
function parseFragment(hash) {
  var out = { conn: null, step: null };
  var h = String(hash || '').replace(/^#/, '');
  h.split('&').forEach(function (part) {
    var m = /^(conn|step)=(\d{1,9})$/.exec(part);
    if (m) out[m[1]] = parseInt(m[2], 10);
  });
  return out;
}

// resolveMoment turns a parsed fragment into a connection index and a
// step (0 = before the first packet, n = after the last), given the
// connections' ids and step counts: an unknown connection gives the
// first one (and missing, the number asked for, so the page can say so),
// a step past the end the last.
function resolveMoment(f, conns) {
  var ci = 0, found = f.conn === null;
  if (f.conn !== null) {
    for (var i = 0; i < conns.length; i++) {
      if (conns[i].id === f.conn) { ci = i; found = true; break; }
    }
  }
  var n = conns.length ? conns[ci].n : 0;
  var k = f.step === null ? 0 : Math.max(0, Math.min(f.step, n));
  var m = { ci: ci, k: k };
  if (!found) m.missing = f.conn;
  return m;
}

function fragmentOf(id, k) { return '#conn=' + id + '&step=' + k; }

function fill(tmpl, args) {
  return String(tmpl).replace(/\{([a-z0-9]+)\}/g, function (m, name) {
    return Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : '?';
  });
}

if (typeof module !== 'undefined') {
  module.exports = { parseFragment: parseFragment, resolveMoment: resolveMoment, fragmentOf: fragmentOf, fill: fill };
}

function main() {
  var D = JSON.parse(document.getElementById('data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var S = {
    li: D.lang === 'zh' ? 1 : 0, ci: 0, k: 0,
    playing: false, timer: null, speed: 1,
    predict: false, pending: -1, revealed: false,
    asked: {}, score: { asked: 0, right: 0, skipped: 0 },
    shownLadder: null, missing: null
  };
  var T = function (key) { var v = D.ui[key]; return v ? v[S.li] : key; };
  var conn = function () { return D.conns[S.ci]; };

  $('figure-box').innerHTML = D.fig; // written and escaped by synfin

  var sel = $('conn');
  D.conns.forEach(function (c, i) {
    var o = document.createElement('option');
    o.value = String(i);
    sel.appendChild(o);
  });

  function labelConns() {
    D.conns.forEach(function (c, i) {
      var who = c.client ? c.client + ' → ' + c.server : '';
      sel.options[i].textContent = '#' + c.id + ' ' + who + ' · ' + c.final[0] + ' / ' + c.final[1];
    });
  }

  function applyLang() {
    var zh = S.li === 1;
    document.documentElement.lang = zh ? 'zh-Hans' : 'en';
    document.body.classList.toggle('lang-zh', zh);
    document.body.classList.toggle('lang-en', !zh);
    document.title = T('title');
    $('title').textContent = T('title');
    $('madeby').textContent = T('madeby');
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) { el.textContent = T(el.getAttribute('data-t')); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-title]'), function (el) {
      el.title = T(el.getAttribute('data-title'));
      el.setAttribute('aria-label', el.title);
    });
    $('lang-en').className = zh ? '' : 'on';
    $('lang-zh').className = zh ? 'on' : '';
    $('quiz-keys').textContent = T('quizkeys');
    S.shownLadder = null;
    labelConns();
    render();
  }

  function setFragment() {
    var f = fragmentOf(conn().id, S.k);
    if (location.hash === f) return;
    try { history.replaceState(null, '', f); } catch (e) { location.replace(f); }
  }

  function para(text, cls, indent) {
    var p = document.createElement('p');
    if (cls) p.className = cls;
    if (text === '') p.className = 'blank';
    if (indent) p.style.paddingLeft = indent + 'ch';
    p.textContent = text;
    return p;
  }

  function list(boxId, listId, items) {
    var ul = $(listId);
    ul.textContent = '';
    (items || []).forEach(function (t) {
      var li = document.createElement('li');
      li.textContent = t;
      ul.appendChild(li);
    });
    $(boxId).hidden = !items || items.length === 0;
  }

  function render() {
    var c = conn();
    var n = c.steps.length;
    var st = S.k > 0 ? c.steps[S.k - 1] : null;
    sel.value = String(S.ci);
    // A link to a connection this page does not hold: say which is shown.
    $('notice').hidden = S.missing === null;
    $('notice').textContent = S.missing === null ? '' : fill(T('noconn'), { asked: S.missing, shown: c.id });
    // Ladder: the connection's SVG in the language, the row of the step lit.
    var lkey = S.ci + ':' + S.li;
    if (S.shownLadder !== lkey) {
      $('ladder').innerHTML = c.ladder[S.li].map(function (i) { return D.strs[i]; }).join('\n'); // written and escaped by synfin
      S.shownLadder = lkey;
    }
    var rows = $('ladder').querySelectorAll('g.row');
    var cur = null;
    Array.prototype.forEach.call(rows, function (g) {
      var a = +g.getAttribute('data-first'), b = +g.getAttribute('data-end');
      var on = S.k > 0 && S.k - 1 >= a && S.k - 1 < b;
      var nx = S.pending > 0 && S.pending - 1 >= a && S.pending - 1 < b;
      g.classList.toggle('cur', on);
      g.classList.toggle('next', nx && !on);
      // Rows after the step are the future: dimmed, and hidden while
      // predicting (the pending packet's row shows once answered).
      g.classList.toggle('future', a > S.k - 1 && !on && !(nx && S.revealed));
      if (on || (nx && !cur)) cur = g;
    });
    if (cur) {
      var pane = $('ladder-pane');
      var r = cur.getBoundingClientRect(), pr = pane.getBoundingClientRect();
      if (r.top < pr.top + 30 || r.bottom > pr.bottom - 10) pane.scrollTop += r.top - pr.top - pr.height / 3;
    } else if (S.k === 0) {
      $('ladder-pane').scrollTop = 0;
    }
    // States, as the TUI shows them at this step.
    var states = st ? st.s : c.init;
    $('client-state').textContent = states[0];
    $('server-state').textContent = states[1];
    $('final-client').textContent = c.final[0];
    $('final-server').textContent = c.final[1];
    // The RFC 9293 figure.
    var box = st ? st.b : c.ib, edges = st ? (st.e || []) : [];
    Array.prototype.forEach.call(document.querySelectorAll('#figure .box'), function (g, i) {
      g.classList.toggle('c', box[0] === i);
      g.classList.toggle('s', box[1] === i);
    });
    Array.prototype.forEach.call(document.querySelectorAll('#figure .edge'), function (g, i) {
      g.classList.toggle('last', edges.indexOf(i) >= 0);
    });
    // Explanation, corrections, confidence.
    var ex = $('explain');
    ex.textContent = '';
    if (!st) {
      ex.appendChild(para(T('before'), 'head', 0));
    } else {
      st.x[S.li].forEach(function (l) { ex.appendChild(para(D.strs[l[2]], l[0], l[1])); });
    }
    list('revs-box', 'revs', st && st.r ? st.r[S.li] : null);
    list('conf-box', 'conf', st && st.c ? st.c[S.li] : null);
    // Position.
    var pos = fill(T('step'), { k: S.k, n: n });
    if (st) pos += ' · ' + (st.t ? T('timer') : fill(T('packet'), { n: st.p }));
    $('pos').textContent = pos;
    $('play').textContent = T(S.playing ? 'pause' : 'play');
    renderQuiz();
    setFragment();
  }

  function renderQuiz() {
    var q = S.pending > 0 ? conn().steps[S.pending - 1].q : null;
    $('quiz').hidden = !q;
    var sc = S.score;
    $('score').hidden = !S.predict || sc.asked === 0;
    $('score').textContent = fill(T('score'), sc);
    if (!q) {
      $('quiz-result').textContent = '';
      return;
    }
    $('quiz-prompt').textContent = q.p[S.li];
    var box = $('quiz-choices');
    box.textContent = '';
    q.ch.forEach(function (ch, i) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = (i + 1) + '  ' + ch;
      if (S.revealed) {
        if (i === q.a) b.className = 'right';
        else if (i === S.chosen) b.className = 'wrong';
        b.disabled = true;
      }
      b.addEventListener('click', function () { answer(i); });
      box.appendChild(b);
    });
    var res = '';
    if (S.revealed) {
      var key = S.chosen < 0 ? 'skipped' : (S.chosen === q.a ? 'right' : 'wrong');
      res = fill(T(key), { answer: q.ch[q.a] });
    }
    $('quiz-result').textContent = res;
    $('quiz-skip').hidden = S.revealed;
    $('quiz-show').hidden = !S.revealed;
  }

  function answer(i) {
    if (S.pending <= 0 || S.revealed) return;
    var q = conn().steps[S.pending - 1].q;
    if (i >= q.ch.length) return;
    S.chosen = i;
    S.revealed = true;
    S.asked[S.ci + ':' + S.pending] = true; // asked once per visit of the page
    S.score.asked++;
    if (i < 0) S.score.skipped++;
    else if (i === q.a) S.score.right++;
    render();
  }

  function go(k) {
    var n = conn().steps.length;
    S.pending = -1;
    S.revealed = false;
    S.k = Math.max(0, Math.min(k, n));
    render();
  }

  // forward steps one packet; in predict mode it first asks about a
  // packet that changes a state, and shows it once answered.
  function forward() {
    var c = conn(), n = c.steps.length;
    if (S.pending > 0) {
      if (!S.revealed) return false;
      go(S.pending);
      return true;
    }
    if (S.k >= n) return false;
    var next = c.steps[S.k];
    var key = S.ci + ':' + (S.k + 1);
    if (S.predict && next.q && !S.asked[key]) {
      S.pending = S.k + 1;
      S.revealed = false;
      stop();
      render();
      return true;
    }
    go(S.k + 1);
    return true;
  }

  function stop() {
    S.playing = false;
    if (S.timer) { clearTimeout(S.timer); S.timer = null; }
  }
  function tick() {
    S.timer = null;
    if (!S.playing) return;
    if (!forward() || S.k >= conn().steps.length) stop();
    render();
    if (S.playing) S.timer = setTimeout(tick, 1000 / S.speed);
  }
  function togglePlay() {
    if (S.playing) { stop(); render(); return; }
    if (S.k >= conn().steps.length) go(0);
    S.playing = true;
    render();
    S.timer = setTimeout(tick, 1000 / S.speed);
  }

  // takeFragment shows the connection the address names (or says it is
  // missing) and returns the step it names.
  function takeFragment() {
    var m = resolveMoment(parseFragment(location.hash), D.conns.map(function (c) { return { id: c.id, n: c.steps.length }; }));
    if (m.ci !== S.ci) S.shownLadder = null;
    S.ci = m.ci;
    S.missing = m.missing === undefined ? null : m.missing;
    return m.k;
  }

  function openFragment() {
    var k = takeFragment();
    stop();
    go(k);
  }

  $('home').addEventListener('click', function () { stop(); go(0); });
  $('back').addEventListener('click', function () { stop(); go(S.pending > 0 ? S.k : S.k - 1); });
  $('next').addEventListener('click', function () { stop(); forward(); });
  $('end').addEventListener('click', function () { stop(); go(conn().steps.length); });
  $('play').addEventListener('click', togglePlay);
  $('speed').addEventListener('change', function () { S.speed = parseFloat($('speed').value) || 1; });
  $('lang-en').addEventListener('click', function () { S.li = 0; applyLang(); });
  $('lang-zh').addEventListener('click', function () { S.li = 1; applyLang(); });
  $('predict').addEventListener('change', function () {
    S.predict = $('predict').checked;
    document.body.classList.toggle('predicting', S.predict);
    if (!S.predict) { S.pending = -1; S.revealed = false; }
    render();
  });
  $('quiz-skip').addEventListener('click', function () { answer(-1); });
  $('quiz-show').addEventListener('click', function () { forward(); });
  sel.addEventListener('change', function () {
    stop();
    S.ci = +sel.value;
    S.shownLadder = null;
    S.missing = null;
    go(0);
  });
  window.addEventListener('hashchange', function () {
    if (location.hash !== fragmentOf(conn().id, S.k)) openFragment();
  });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target && e.target.tagName === 'SELECT') return;
    switch (e.key) {
      case 'ArrowRight': stop(); forward(); break;
      case 'ArrowLeft': stop(); go(S.pending > 0 ? S.k : S.k - 1); break;
      case 'Home': stop(); go(0); break;
      case 'End': stop(); go(conn().steps.length); break;
      case ' ': togglePlay(); break;
      case 'L': case 'l': S.li = 1 - S.li; applyLang(); break;
      case 'p': $('predict').checked = !$('predict').checked; $('predict').dispatchEvent(new Event('change')); break;
      case 's': answer(-1); break;
      case '1': case '2': case '3': case '4': answer(+e.key - 1); break;
      default: return;
    }
    e.preventDefault();
  });

  // Controls give the focus back once used, so that the keys always step
  // (a focused select would take the arrows, a button the space bar).
  Array.prototype.forEach.call(document.querySelectorAll('button, select, input'), function (el) {
    el.addEventListener(el.tagName === 'BUTTON' ? 'click' : 'change', function () { el.blur(); });
  });

  S.k = takeFragment();
  applyLang();
}

if (typeof document !== 'undefined') main();
