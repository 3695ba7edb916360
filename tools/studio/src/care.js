// The care model's picture (kind "care", sim/care/picture.cpp): the system map (organisations
// grouped as the scenario lists them, sized by staff, linked by the strength of the ties that
// cross between them) and a sample of staff teams coloured by mindset. Both are cytoscape
// graphs, built once per run and restyled as frames stream.
import cytoscape from 'cytoscape';

// One colour per organisation kind, in the order of OrgKind (include/caresim/scenario/kinds.hpp).
const kindColours = ['#1d3557', '#457b9d', '#6a4c93', '#2a9d8f', '#e76f51', '#f4a261', '#8ab17d',
  '#e9c46a', '#9c6644', '#7f7f7f'];

export function drawCare(p, box, views) {
  if (!views.careMap) {
    box.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = 'care-picture';
    wrap.innerHTML = `<div><div class="care-title">System map: organisations by kind, sized by
      staff; lines are the strength of the ties between them</div><div class="cy care-map" id="care-map"></div></div>
      <div><div class="care-title">Staff sample (16 teams): <span class="dot minded"></span> system-minded
      <span class="dot"></span> not yet</div><div class="cy care-staff" id="care-staff"></div></div>`;
    box.append(wrap);
    const groups = p.labels.map((label, g) => ({
      data: { id: `g${g}`, label, colour: kindColours[p.layers.group_kind[g] % kindColours.length] },
    }));
    views.careMap = cytoscape({
      container: wrap.querySelector('#care-map'),
      elements: groups,
      style: [
        { selector: 'node', style: { 'background-color': 'data(colour)', label: 'data(label)',
          'font-size': 11, 'text-wrap': 'wrap', 'text-max-width': 120, color: '#1d2733',
          width: 'data(size)', height: 'data(size)' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': '#7a8ca3', opacity: 0.7,
          'curve-style': 'bezier' } },
      ],
      layout: { name: 'circle' },
      userZoomingEnabled: false,
    });
    const people = p.layers.staff_mindset.map((_, i) => ({
      data: { id: `s${i}`, colour: kindColours[p.layers.group_kind[p.layers.staff_group[i]] % kindColours.length] },
    }));
    const edges = p.layers.staff_edges;
    for (let e = 0; e < edges.length; e += 2)
      people.push({ data: { id: `t${edges[e]}_${edges[e + 1]}`, source: `s${edges[e]}`, target: `s${edges[e + 1]}` } });
    views.careStaff = cytoscape({
      container: wrap.querySelector('#care-staff'),
      elements: people,
      style: [
        { selector: 'node', style: { width: 8, height: 8, 'background-color': '#c5ced8',
          'border-width': 1.5, 'border-color': 'data(colour)' } },
        { selector: 'node.minded', style: { 'background-color': '#d62828', width: 11, height: 11 } },
        { selector: 'edge', style: { width: 0.6, 'line-color': '#c5ced8' } },
      ],
      layout: { name: 'cose', animate: false, randomize: false, numIter: 300 },
      userZoomingEnabled: false,
    });
  }
  updateMap(p, views.careMap);
  const cy = views.careStaff;
  cy.batch(() => p.layers.staff_mindset.forEach((m, i) => cy.$id(`s${i}`).toggleClass('minded', m > 0)));
  const minded = p.layers.staff_mindset.filter((m) => m > 0).length;
  return `The care system on day ${p.scalars.day}: ${Math.round(p.scalars.staff).toLocaleString('en-GB')} staff; ` +
    `${(100 * p.scalars.cross_org_strength_share).toFixed(1)}% of tie strength crosses organisations; ` +
    `${minded} of ${p.layers.staff_mindset.length} sampled staff system-minded`;
}

function updateMap(p, cy) {
  const staff = p.layers.group_staff;
  const biggest = Math.max(1, ...staff);
  const links = p.layers.links;
  let strongest = 0;
  for (let k = 2; k < links.length; k += 3) if (links[k - 2] !== links[k - 1]) strongest = Math.max(strongest, links[k]);
  cy.batch(() => {
    staff.forEach((n, g) => {
      const node = cy.$id(`g${g}`);
      node.data('size', 16 + 54 * Math.sqrt(n / biggest));
      node.data('label', `${p.labels[g]}\n${Math.round(n).toLocaleString('en-GB')} staff, ` +
        `${(100 * p.layers.group_minded_share[g]).toFixed(1)}% minded`);
    });
    const seen = new Set();
    for (let k = 0; k < links.length; k += 3) {
      const [a, b, w] = [links[k], links[k + 1], links[k + 2]];
      if (a === b) continue; // ties between organisations of one group (practice to practice)
      const id = `l${a}_${b}`;
      seen.add(id);
      const width = 0.5 + 9 * (strongest > 0 ? w / strongest : 0);
      const edge = cy.$id(id);
      if (edge.empty()) cy.add({ data: { id, source: `g${a}`, target: `g${b}`, width } });
      else edge.data('width', width);
    }
    cy.edges().forEach((e) => { if (!seen.has(e.id())) e.remove(); });
  });
  cy.container().dataset.links = String(cy.edges().length);
}
